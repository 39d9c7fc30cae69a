/**
 * A growable big-endian output buffer with ROOT's object framing: byte counts, class tags and
 * object references, counted from the record's origin (the key length, as ROOT's buffers
 * start with room for the key).
 * @module
 */

const _BYTECOUNT = 0x40000000;
const _CLASS_MASK = 0x80000000;
const _NEW_CLASS = 0xffffffff;
const _MAP_OFFSET = 2;
const _ENCODER = new TextEncoder();

/** Bits ROOT sets on every streamed TObject (kNotDeleted | kIsOnHeap). */
export const TOBJECT_BITS = 0x03000000;

/** A big-endian writer; `origin` is the key length added to object and class offsets. */
export class WBuffer {
  bytes: Uint8Array;
  view: DataView;
  pos = 0;
  readonly origin: number;
  readonly #classes = new Map<string, number>();
  readonly #objects = new Map<unknown, number>();

  constructor(capacity = 1024, origin = 0) {
    this.bytes = new Uint8Array(capacity);
    this.view = new DataView(this.bytes.buffer);
    this.origin = origin;
  }

  /** Makes room for n more bytes (doubling, so appends stay amortised O(1)). */
  need(n: number): void {
    if (this.pos + n <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.bytes.subarray(0, this.pos));
    this.bytes = next;
    this.view = new DataView(next.buffer);
  }

  /** The bytes written so far (a view, not a copy). */
  result(): Uint8Array {
    return this.bytes.subarray(0, this.pos);
  }

  u8(v: number): void {
    this.need(1);
    this.bytes[this.pos++] = v;
  }
  i16(v: number): void {
    this.need(2);
    this.view.setInt16(this.pos, v);
    this.pos += 2;
  }
  u16(v: number): void {
    this.need(2);
    this.view.setUint16(this.pos, v);
    this.pos += 2;
  }
  i32(v: number): void {
    this.need(4);
    this.view.setInt32(this.pos, v);
    this.pos += 4;
  }
  u32(v: number): void {
    this.need(4);
    this.view.setUint32(this.pos, v >>> 0);
    this.pos += 4;
  }
  i64(v: number): void {
    this.need(8);
    this.view.setBigInt64(this.pos, BigInt(v));
    this.pos += 8;
  }
  f32(v: number): void {
    this.need(4);
    this.view.setFloat32(this.pos, v);
    this.pos += 4;
  }
  f64(v: number): void {
    this.need(8);
    this.view.setFloat64(this.pos, v);
    this.pos += 8;
  }
  raw(b: Uint8Array): void {
    this.need(b.length);
    this.bytes.set(b, this.pos);
    this.pos += b.length;
  }
  /** A TString: one length byte, or 255 then a 32-bit length. */
  string(s: string): void {
    const b = _ENCODER.encode(s);
    if (b.length < 255) this.u8(b.length);
    else {
      this.u8(255);
      this.i32(b.length);
    }
    this.raw(b);
  }
  /** A NUL-terminated class name. */
  cstring(s: string): void {
    this.raw(_ENCODER.encode(s));
    this.u8(0);
  }

  /** Writes a version word after a byte-count placeholder; returns the placeholder position. */
  startVersion(version: number): number {
    const at = this.pos;
    this.u32(0);
    this.u16(version);
    return at;
  }

  /** Patches the byte count written by startVersion / object. */
  endVersion(at: number): void {
    this.view.setUint32(at, (_BYTECOUNT | (this.pos - at - 4)) >>> 0);
  }

  /** A TObject base (version 1, no byte count). */
  tObject(bits = TOBJECT_BITS): void {
    this.u16(1);
    this.u32(0);
    this.u32(bits);
  }

  /** A TNamed base. */
  tNamed(name: string, title: string): void {
    const at = this.startVersion(1);
    this.tObject();
    this.string(name);
    this.string(title);
    this.endVersion(at);
  }

  /** A TAttLine base with ROOT's defaults (colour 602, style 1, width 1). */
  tAttLine(): void {
    const at = this.startVersion(2);
    this.i16(602);
    this.i16(1);
    this.i16(1);
    this.endVersion(at);
  }

  /** A TAttFill base with ROOT's defaults (colour 0, style 1001). */
  tAttFill(): void {
    const at = this.startVersion(2);
    this.i16(0);
    this.i16(1001);
    this.endVersion(at);
  }

  /** A TAttMarker base with ROOT's defaults (colour 1, style 1, size 1). */
  tAttMarker(): void {
    const at = this.startVersion(2);
    this.i16(1);
    this.i16(1);
    this.f32(1);
    this.endVersion(at);
  }

  /**
   * An object pointer: a reference when `identity` was written before, else a byte count,
   * the class (name or reference to it) and the body. `identity` null writes a null pointer.
   */
  object(className: string, identity: unknown, body: () => void): void {
    if (identity === null) {
      this.u32(0);
      return;
    }
    const seen = identity === undefined ? undefined : this.#objects.get(identity);
    if (seen !== undefined) {
      this.u32(seen);
      return;
    }
    const start = this.pos;
    this.u32(0);
    const tag = this.#classes.get(className);
    if (tag !== undefined) this.u32(_CLASS_MASK | tag);
    else {
      this.#classes.set(className, this.pos + this.origin + _MAP_OFFSET);
      this.u32(_NEW_CLASS);
      this.cstring(className);
    }
    if (identity !== undefined) this.#objects.set(identity, start + this.origin + _MAP_OFFSET);
    body();
    this.endVersion(start);
  }

  /** A TObjArray (version 3) of object pointers, streamed inline (not as a pointer). */
  objArray(items: readonly (() => void)[], name = ""): void {
    const at = this.startVersion(3);
    this.tObject(0x02000000); // not heap-allocated: embedded member
    this.string(name);
    this.i32(items.length);
    this.i32(0); // fLowerBound
    for (const item of items) item();
    this.endVersion(at);
  }
}
