// Protocol Buffers wire format, by hand: just what writing an ONNX model needs (varints,
// fixed32 floats, length-delimited bytes, strings and nested messages).
// A message is kept as a list of byte chunks and its total length, so nesting a large message
// (a model with megabytes of weights) copies its bytes once, when the outermost one is finished.

/** Wire types of the protobuf encoding. */
const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

const UTF8 = new TextEncoder();

/** Appends protobuf fields to a message; finish() gives its bytes. */
export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private pending: number[] = [];
  private length = 0;

  /** Bytes written so far. */
  get byteLength(): number {
    return this.length + this.pending.length;
  }

  private flushPending(): void {
    if (this.pending.length === 0) return;
    this.chunks.push(Uint8Array.from(this.pending));
    this.length += this.pending.length;
    this.pending = [];
  }

  private pushBytes(bytes: Uint8Array): void {
    if (bytes.length < 64) {
      for (const b of bytes) this.pending.push(b);
      return;
    }
    this.flushPending();
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  /** An unsigned or signed 64-bit integer as a varint (negative values take 10 bytes, two's complement). */
  private rawVarint(value: number | bigint): void {
    let v = typeof value === 'bigint' ? value : BigInt(checkedInteger(value));
    if (v < 0n) v += 1n << 64n;
    if (v >= 1n << 64n) throw new Error(`protobuf varint out of range: ${String(value)}`);
    while (v >= 0x80n) {
      this.pending.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.pending.push(Number(v));
  }

  private tag(field: number, wireType: number): void {
    if (!Number.isInteger(field) || field < 1) throw new Error(`protobuf field number must be a positive integer, got ${field}`);
    this.rawVarint(field * 8 + wireType);
  }

  /** int32, int64, uint64 and enum fields. */
  varint(field: number, value: number | bigint): this {
    this.tag(field, WIRE_VARINT);
    this.rawVarint(value);
    return this;
  }

  /** A float field (fixed32, little-endian IEEE 754). */
  float(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.pushBytes(bytes);
    return this;
  }

  /** A bytes field. The bytes are referenced, not copied, until finish(). */
  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.rawVarint(value.length);
    this.pushBytes(value);
    return this;
  }

  /** A string field (UTF-8). */
  string(field: number, value: string): this {
    return this.bytes(field, UTF8.encode(value));
  }

  /** A nested message field: the other writer's chunks are taken over, not copied. */
  message(field: number, value: ProtoWriter): this {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.rawVarint(value.byteLength);
    this.flushPending();
    value.flushPending();
    for (const chunk of value.chunks) this.chunks.push(chunk);
    this.length += value.length;
    return this;
  }

  /** The encoded message (one contiguous copy). */
  finish(): Uint8Array {
    this.flushPending();
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}

function checkedInteger(value: number): number {
  if (!Number.isSafeInteger(value)) throw new Error(`protobuf varint must be a safe integer, got ${value}`);
  return value;
}
