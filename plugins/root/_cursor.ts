import { rootError } from "./_fail.ts";
import type { RootContext } from "./errors.ts";

/**
 * A bounds-checked big-endian reader over one buffer. Every read past the end raises
 * ROOT_TRUNCATED naming the file and object, so corrupt metadata never reads garbage.
 */
export class Cursor {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly context: RootContext;
  pos: number;

  constructor(bytes: Uint8Array, context: RootContext, pos = 0) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.context = context;
    this.pos = pos;
  }

  /** Fails unless `n` more bytes are available. */
  need(n: number): void {
    if (n < 0 || this.pos + n > this.bytes.length || this.pos < 0) {
      throw rootError(
        "ROOT_TRUNCATED",
        "read",
        this.context,
        `needs ${n} bytes at offset ${this.pos} of a ${this.bytes.length}-byte record`,
      );
    }
  }

  seek(pos: number): void {
    if (pos < 0 || pos > this.bytes.length) {
      throw rootError(
        "ROOT_TRUNCATED",
        "read",
        this.context,
        `offset ${pos} lies outside a ${this.bytes.length}-byte record`,
      );
    }
    this.pos = pos;
  }

  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.pos++];
  }

  i16(): number {
    this.need(2);
    const v = this.view.getInt16(this.pos);
    this.pos += 2;
    return v;
  }

  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos);
    this.pos += 2;
    return v;
  }

  i32(): number {
    this.need(4);
    const v = this.view.getInt32(this.pos);
    this.pos += 4;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos);
    this.pos += 4;
    return v;
  }

  /** A 64-bit integer as a JS number (seeks and entry counts stay far below 2^53). */
  i64(): number {
    this.need(8);
    const high = this.view.getInt32(this.pos);
    const low = this.view.getUint32(this.pos + 4);
    this.pos += 8;
    return high * 4294967296 + low;
  }

  f32(): number {
    this.need(4);
    const v = this.view.getFloat32(this.pos);
    this.pos += 4;
    return v;
  }

  f64(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos);
    this.pos += 8;
    return v;
  }

  /** A TString: one length byte, or 255 then a 4-byte length. */
  string(): string {
    let n = this.u8();
    if (n === 255) n = this.u32();
    this.need(n);
    const s = _latin1(this.bytes, this.pos, n);
    this.pos += n;
    return s;
  }

  /** A NUL-terminated C string (class names in object tags), at most 1 kB. */
  cstring(): string {
    const limit = Math.min(this.bytes.length, this.pos + 1024);
    let end = this.pos;
    while (end < limit && this.bytes[end] !== 0) end++;
    if (end >= limit) {
      throw rootError(
        "ROOT_TRUNCATED",
        "read",
        this.context,
        `unterminated class name at ${this.pos}`,
      );
    }
    const s = _latin1(this.bytes, this.pos, end - this.pos);
    this.pos = end + 1;
    return s;
  }
}

function _latin1(bytes: Uint8Array, start: number, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += String.fromCharCode(bytes[start + i]);
  return s;
}
