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

/**
 * Reads one message in place: nested messages are sub-ranges of the same bytes sharing one
 * DataView, so decoding allocates no buffer views per field (it runs for every event of a file).
 */
class ProtoReader {
  constructor(
    private readonly buf: Uint8Array,
    public pos: number,
    private readonly end: number,
    private readonly view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength),
  ) {}
  static of(data: Uint8Array): ProtoReader {
    return new ProtoReader(data, 0, data.length);
  }
  get done(): boolean {
    return this.pos >= this.end;
  }
  private need(n: number): void {
    if (this.pos + n > this.end) throw new Error('truncated protobuf message');
  }
  /** A varint as a two's-complement int64 (steps can be negative in principle). */
  varint(): number {
    // Fast path: up to 4 bytes (values below 2^28: tags, lengths, most steps) in plain arithmetic.
    let result = 0;
    for (let i = 0; i < 4; i++) {
      this.need(1);
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * 2 ** (7 * i);
      if ((b & 0x80) === 0) return result;
    }
    let big = BigInt(result);
    let shift = 28n;
    for (let i = 4; i < 10; i++) {
      this.need(1);
      const b = this.buf[this.pos++];
      big |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return Number(BigInt.asIntN(64, big));
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
  private length(): number {
    const n = this.varint();
    if (n < 0) throw new Error('negative length in protobuf message');
    this.need(n);
    return n;
  }
  /** A length-delimited field read as a nested message. */
  message(): ProtoReader {
    const n = this.length();
    const sub = new ProtoReader(this.buf, this.pos, this.pos + n, this.view);
    this.pos += n;
    return sub;
  }
  bytes(): Uint8Array {
    const n = this.length();
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  string(): string {
    return utf8.decode(this.bytes());
  }
  /** The next field key: field number × 8 + wire type. */
  key(): number {
    return this.varint();
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) {
      const n = this.length(); // read first: `pos += length()` would add to the pos before the length
      this.pos += n;
    }
    else if (wire === 5) this.pos += 4;
    else throw new Error(`unsupported protobuf wire type ${wire}`);
    if (this.pos > this.end) throw new Error('truncated protobuf message');
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

const field = (key: number) => Math.floor(key / 8);

/** Decodes an `Event` record; non-scalar summaries (histograms, images, text) are skipped. */
export function decodeEvent(data: Uint8Array): TfEvent {
  const r = ProtoReader.of(data);
  let wallTime: number | undefined;
  let step = 0;
  const scalars: TfScalar[] = [];
  while (!r.done) {
    const key = r.key();
    if (key === 0x09) wallTime = r.double(); // 1: double
    else if (key === 0x10) step = r.varint(); // 2: int64
    else if (key === 0x2a) decodeSummary(r.message(), scalars); // 5: Summary
    else r.skip(key & 7);
  }
  return { wallTime, step, scalars };
}

function decodeSummary(r: ProtoReader, out: TfScalar[]): void {
  while (!r.done) {
    const key = r.key();
    if (key === 0x0a) {
      const scalar = decodeSummaryValue(r.message()); // 1: repeated Value
      if (scalar) out.push(scalar);
    } else r.skip(key & 7);
  }
}

function decodeSummaryValue(r: ProtoReader): TfScalar | undefined {
  let tag = '';
  let nodeName = '';
  let value: number | undefined;
  while (!r.done) {
    const key = r.key();
    if (key === 0x0a) tag = r.string(); // 1: tag
    else if (key === 0x3a) nodeName = r.string(); // 7: node_name (TF1)
    else if (key === 0x15) value = r.float(); // 2: simple_value
    else if (key === 0x42) value = decodeScalarTensor(r.message()); // 8: TensorProto
    else r.skip(key & 7);
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
function decodeScalarTensor(r: ProtoReader): number | undefined {
  let dtype = 0;
  let elements = 1;
  let content: Uint8Array | undefined;
  const values: number[] = [];
  // Repeated numeric fields come packed (one length-delimited run) or one key per element.
  const readRepeated = (wire: number, read: (x: ProtoReader) => number) => {
    if (wire === 2) {
      const inner = r.message();
      while (!inner.done) values.push(read(inner));
    } else values.push(read(r));
  };
  while (!r.done) {
    const key = r.key();
    const f = field(key);
    const wire = key & 7;
    if (f === 1 && wire === 0) dtype = r.varint();
    else if (f === 2 && wire === 2) elements = shapeElements(r.message());
    else if (f === 4 && wire === 2) content = r.bytes();
    else if (f === 5 && (wire === 5 || wire === 2)) readRepeated(wire, (x) => x.float());
    else if (f === 6 && (wire === 1 || wire === 2)) readRepeated(wire, (x) => x.double());
    else if ((f === 7 || f === 10) && (wire === 0 || wire === 2)) readRepeated(wire, (x) => x.varint());
    else if (f === 13 && (wire === 0 || wire === 2)) readRepeated(wire, (x) => halfToNumber(x.varint()));
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

function shapeElements(r: ProtoReader): number {
  let elements = 1;
  while (!r.done) {
    const key = r.key();
    if (key === 0x12) {
      const dim = r.message(); // 2: repeated Dim
      let size = 0;
      while (!dim.done) {
        const k = dim.key();
        if (k === 0x08) size = dim.varint(); // Dim.size
        else dim.skip(k & 7);
      }
      elements *= size;
    } else if (key === 0x18) {
      if (r.varint() !== 0) return -1; // 3: unknown_rank: not a scalar we can trust
    } else r.skip(key & 7);
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
