/**
 * Test-only writer of TensorBoard event files, from the spec (TFRecord framing + Event protobuf),
 * so the reader is tested against bytes produced independently of its own decoding code paths.
 */
import { maskedCrc32c } from '../../../src/core/metrics/crc32c';

class ProtoWriter {
  private readonly parts: number[] = [];
  varint(value: number | bigint): this {
    let v = BigInt.asUintN(64, BigInt(value));
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) byte |= 0x80;
      this.parts.push(byte);
    } while (v !== 0n);
    return this;
  }
  tag(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }
  double(field: number, value: number): this {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(value);
    this.tag(field, 1).parts.push(...b);
    return this;
  }
  float(field: number, value: number): this {
    const b = Buffer.alloc(4);
    b.writeFloatLE(value);
    this.tag(field, 5).parts.push(...b);
    return this;
  }
  bytes(field: number, data: Uint8Array | string): this {
    const b = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    this.tag(field, 2).varint(b.length).parts.push(...b);
    return this;
  }
  int(field: number, value: number): this {
    return this.tag(field, 0).varint(value);
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

export type ScalarEncoding = 'simple_value' | 'tensor_float_val' | 'tensor_double_content' | 'tensor_float_unpacked' | 'tensor_double_val' | 'tensor_int64_val';

export interface ScalarSpec {
  readonly tag: string;
  readonly value: number;
  readonly encoding?: ScalarEncoding;
}

function summaryValue(s: ScalarSpec): Uint8Array {
  const w = new ProtoWriter().bytes(1, s.tag);
  const enc = s.encoding ?? 'simple_value';
  if (enc === 'simple_value') return w.float(2, s.value).finish();
  const tensor = new ProtoWriter();
  if (enc === 'tensor_float_val') {
    const packed = Buffer.alloc(4);
    packed.writeFloatLE(s.value);
    tensor.int(1, 1).bytes(2, new Uint8Array(0)).bytes(5, packed);
  } else if (enc === 'tensor_float_unpacked') {
    tensor.int(1, 1).float(5, s.value);
  } else if (enc === 'tensor_double_val') {
    const packed = Buffer.alloc(8);
    packed.writeDoubleLE(s.value);
    tensor.int(1, 2).bytes(2, new Uint8Array(0)).bytes(6, packed); // DT_DOUBLE, double_val
  } else if (enc === 'tensor_int64_val') {
    tensor.int(1, 9).int(10, s.value); // DT_INT64, int64_val (unpacked)
  } else {
    const content = Buffer.alloc(8);
    content.writeDoubleLE(s.value);
    tensor.int(1, 2).bytes(2, new Uint8Array(0)).bytes(4, content);
  }
  return w.bytes(8, tensor.finish()).finish();
}

export function encodeEvent(e: { wallTime: number; step: number; scalars?: ScalarSpec[]; fileVersion?: string }): Uint8Array {
  const w = new ProtoWriter().double(1, e.wallTime);
  if (e.step !== 0) w.int(2, e.step);
  if (e.fileVersion) w.bytes(3, e.fileVersion);
  if (e.scalars && e.scalars.length > 0) {
    const summary = new ProtoWriter();
    for (const s of e.scalars) summary.bytes(1, summaryValue(s));
    w.bytes(5, summary.finish());
  }
  return w.finish();
}

/** Frames one record: u64 length, masked CRC32C of the length bytes, data, masked CRC32C of data. */
export function frameRecord(data: Uint8Array): Buffer {
  const header = Buffer.alloc(12);
  header.writeBigUInt64LE(BigInt(data.length), 0);
  header.writeUInt32LE(maskedCrc32c(header, 0, 8), 8);
  const footer = Buffer.alloc(4);
  footer.writeUInt32LE(maskedCrc32c(data), 0);
  return Buffer.concat([header, Buffer.from(data), footer]);
}

/** A whole event file: the `brain.Event:2` version record, then one event per step. */
export function eventFile(events: Array<{ step: number; scalars: ScalarSpec[]; wallTime?: number }>): Buffer {
  const records = [frameRecord(encodeEvent({ wallTime: 1_700_000_000, step: 0, fileVersion: 'brain.Event:2' }))];
  for (const e of events) records.push(frameRecord(encodeEvent({ wallTime: e.wallTime ?? 1_700_000_000 + e.step, step: e.step, scalars: e.scalars })));
  return Buffer.concat(records);
}
