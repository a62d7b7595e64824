/**
 * TensorBoard event files (`events.out.tfevents.*`), read by hand: TFRecord framing with both
 * CRCs checked, and just enough of the `Event` / `Summary` / `TensorProto` protobufs to get scalars
 * (TF1/`SummaryWriter.add_scalar` simple_value, and TF2 / new-style scalar tensors).
 */
import { maskedCrc32c } from './crc32c';

/** Bigger records exist (graphs, images) but a length this large is corruption, not data. */
const MAX_RECORD_BYTES = 256 * 1024 * 1024;
const HEADER_BYTES = 12;
const FOOTER_BYTES = 4;

export interface TfRecordBatch {
  /** Payloads of the complete, CRC-valid records, in file order. */
  readonly records: Uint8Array[];
  /** Bytes of `data` that are done with; the rest (a record still being written) must be offered again. */
  readonly consumed: number;
  /** Corruption found (bad CRC, impossible length); the bad bytes are skipped. */
  readonly errors: string[];
}

/**
 * Incremental TFRecord reader. Feed it the bytes from the first unconsumed offset each time; it
 * remembers whether it is resynchronising after a corrupt header so one bad region is reported once.
 */
export class TfRecordReader {
  private resyncing = false;

  read(data: Uint8Array, baseOffset = 0): TfRecordBatch {
    const records: Uint8Array[] = [];
    const errors: string[] = [];
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    let p = 0;
    while (data.length - p >= HEADER_BYTES) {
      const length = view.getUint32(p, true) + view.getUint32(p + 4, true) * 2 ** 32;
      const lengthOk = view.getUint32(p + 8, true) === maskedCrc32c(data, p, p + 8) && length <= MAX_RECORD_BYTES;
      if (!lengthOk) {
        if (!this.resyncing) {
          errors.push(`corrupt record header at byte ${baseOffset + p} (length CRC mismatch); skipping to the next valid record`);
          this.resyncing = true;
        }
        p++;
        continue;
      }
      if (data.length - p < HEADER_BYTES + length + FOOTER_BYTES) break; // torn tail: wait for the writer
      const start = p + HEADER_BYTES;
      const end = start + length;
      if (view.getUint32(end, true) !== maskedCrc32c(data, start, end)) {
        // While resynchronising, a "valid" header followed by bad data is most likely a false match.
        if (!this.resyncing) errors.push(`corrupt record at byte ${baseOffset + p} (${length} bytes, data CRC mismatch); skipped`);
        p += this.resyncing ? 1 : HEADER_BYTES + length + FOOTER_BYTES;
        continue;
      }
      this.resyncing = false;
      records.push(data.subarray(start, end));
      p = end + FOOTER_BYTES;
    }
    return { records, consumed: p, errors };
  }
}

// ---------------------------------------------------------------------------------------------
// Protobuf wire format, the few pieces needed.

class ProtoReader {
  pos = 0;
  private readonly view: DataView;
  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  get done(): boolean {
    return this.pos >= this.buf.length;
  }
  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new Error('truncated protobuf message');
  }
  /** A varint as a two's-complement int64 (steps can be negative in principle). */
  varint(): number {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      this.need(1);
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return Number(BigInt.asIntN(64, result));
      shift += 7n;
    }
    throw new Error('malformed varint');
  }
  double(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }
  float(): number {
    this.need(4);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }
  bytes(): Uint8Array {
    const n = this.varint();
    if (n < 0) throw new Error('negative length in protobuf message');
    this.need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  tag(): { field: number; wire: number } {
    const t = this.varint();
    return { field: Math.floor(t / 8), wire: t & 7 };
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`unsupported protobuf wire type ${wire}`);
    if (this.pos > this.buf.length) throw new Error('truncated protobuf message');
  }
}

const utf8 = new TextDecoder('utf-8');

export interface TfScalar {
  readonly tag: string;
  readonly value: number;
}

export interface TfEvent {
  readonly wallTime?: number;
  readonly step: number;
  readonly scalars: TfScalar[];
}

/** Decodes an `Event` record; non-scalar summaries (histograms, images, text) are skipped. */
export function decodeEvent(data: Uint8Array): TfEvent {
  const r = new ProtoReader(data);
  let wallTime: number | undefined;
  let step = 0;
  const scalars: TfScalar[] = [];
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === 1) wallTime = r.double();
    else if (field === 2 && wire === 0) step = r.varint();
    else if (field === 5 && wire === 2) decodeSummary(r.bytes(), scalars);
    else r.skip(wire);
  }
  return { wallTime, step, scalars };
}

function decodeSummary(data: Uint8Array, out: TfScalar[]): void {
  const r = new ProtoReader(data);
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === 2) {
      const scalar = decodeSummaryValue(r.bytes());
      if (scalar) out.push(scalar);
    } else r.skip(wire);
  }
}

function decodeSummaryValue(data: Uint8Array): TfScalar | undefined {
  const r = new ProtoReader(data);
  let tag = '';
  let nodeName = '';
  let value: number | undefined;
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === 2) tag = utf8.decode(r.bytes());
    else if (field === 7 && wire === 2) nodeName = utf8.decode(r.bytes());
    else if (field === 2 && wire === 5) value = r.float();
    else if (field === 8 && wire === 2) value = decodeScalarTensor(r.bytes());
    else r.skip(wire);
  }
  const name = tag || nodeName;
  return value === undefined || name === '' ? undefined : { tag: name, value };
}

// TensorFlow DataType enum values that can hold a scalar metric.
const DT_FLOAT = 1;
const DT_DOUBLE = 2;
const DT_INT32 = 3;
const DT_INT64 = 9;
const DT_HALF = 19;

/** The value of a one-element numeric TensorProto, else undefined. */
function decodeScalarTensor(data: Uint8Array): number | undefined {
  const r = new ProtoReader(data);
  let dtype = 0;
  let elements = 1;
  let content: Uint8Array | undefined;
  const values: number[] = [];
  // Repeated numeric fields come packed (one length-delimited run) or one tag per element.
  const readRepeated = (wire: number, read: (x: ProtoReader) => number) => {
    if (wire === 2) {
      const inner = new ProtoReader(r.bytes());
      while (!inner.done) values.push(read(inner));
    } else values.push(read(r));
  };
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === 0) dtype = r.varint();
    else if (field === 2 && wire === 2) elements = shapeElements(r.bytes());
    else if (field === 4 && wire === 2) content = r.bytes();
    else if (field === 5 && (wire === 5 || wire === 2)) readRepeated(wire, (x) => x.float());
    else if (field === 6 && (wire === 1 || wire === 2)) readRepeated(wire, (x) => x.double());
    else if ((field === 7 || field === 10) && (wire === 0 || wire === 2)) readRepeated(wire, (x) => x.varint());
    else if (field === 13 && (wire === 0 || wire === 2)) readRepeated(wire, (x) => halfToNumber(x.varint()));
    else r.skip(wire);
  }
  if (elements !== 1) return undefined;
  if (content && content.length > 0) {
    const view = new DataView(content.buffer, content.byteOffset, content.byteLength);
    if (dtype === DT_FLOAT && content.length === 4) return view.getFloat32(0, true);
    if (dtype === DT_DOUBLE && content.length === 8) return view.getFloat64(0, true);
    if (dtype === DT_INT32 && content.length === 4) return view.getInt32(0, true);
    if (dtype === DT_INT64 && content.length === 8) return Number(view.getBigInt64(0, true));
    if (dtype === DT_HALF && content.length === 2) return halfToNumber(view.getUint16(0, true));
    return undefined;
  }
  if (![DT_FLOAT, DT_DOUBLE, DT_INT32, DT_INT64, DT_HALF].includes(dtype)) return undefined;
  return values.length === 1 ? values[0] : undefined;
}

function shapeElements(data: Uint8Array): number {
  const r = new ProtoReader(data);
  let elements = 1;
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 2 && wire === 2) {
      const dim = new ProtoReader(r.bytes());
      let size = 0;
      while (!dim.done) {
        const t = dim.tag();
        if (t.field === 1 && t.wire === 0) size = dim.varint();
        else dim.skip(t.wire);
      }
      elements *= size;
    } else if (field === 3 && wire === 0) {
      if (r.varint() !== 0) return -1; // unknown rank: not a scalar we can trust
    } else r.skip(wire);
  }
  return elements;
}

/** IEEE 754 binary16 bits → number. */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}
