/**
 * The subset of the Thrift compact protocol a Parquet footer and page headers need, as a
 * writer. Values are described as plain objects: `{ 1: i32(5), 4: binary("x") }`.
 */

/** A typed Thrift value (the compact protocol needs the type of every field). */
export type ThriftValue =
  | { readonly t: "bool"; readonly v: boolean }
  | { readonly t: "byte"; readonly v: number }
  | { readonly t: "i32"; readonly v: number }
  | { readonly t: "i64"; readonly v: number | bigint }
  | { readonly t: "binary"; readonly v: Uint8Array }
  | { readonly t: "list"; readonly elem: ElementType; readonly v: readonly ThriftValue[] }
  | { readonly t: "struct"; readonly v: ThriftStruct };

/** Field id -> value; undefined fields are left out (optional fields). */
export type ThriftStruct = { readonly [id: number]: ThriftValue | undefined };

type ElementType = "byte" | "i32" | "i64" | "binary" | "struct";

const TYPE_CODE = { bool: 1, byte: 3, i32: 5, i64: 6, binary: 8, list: 9, struct: 12 } as const;
const encoder = new TextEncoder();

/** Thrift value constructors. */
export const T = {
  bool: (v: boolean): ThriftValue => ({ t: "bool", v }),
  byte: (v: number): ThriftValue => ({ t: "byte", v }),
  i32: (v: number): ThriftValue => ({ t: "i32", v }),
  i64: (v: number | bigint): ThriftValue => ({ t: "i64", v }),
  binary: (v: Uint8Array): ThriftValue => ({ t: "binary", v }),
  string: (v: string): ThriftValue => ({ t: "binary", v: encoder.encode(v) }),
  list: (elem: ElementType, v: readonly ThriftValue[]): ThriftValue => ({ t: "list", elem, v }),
  struct: (v: ThriftStruct): ThriftValue => ({ t: "struct", v }),
};

/** Growable byte buffer for one serialisation. */
class Bytes {
  buffer = new Uint8Array(256);
  length = 0;
  push(byte: number): void {
    if (this.length === this.buffer.length) this.#grow(1);
    this.buffer[this.length++] = byte;
  }
  append(bytes: Uint8Array): void {
    if (this.length + bytes.length > this.buffer.length) this.#grow(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }
  #grow(extra: number): void {
    const next = new Uint8Array(Math.max(this.buffer.length * 2, this.length + extra));
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
  }
}

function varint(out: Bytes, value: bigint): void {
  while (value >= 0x80n) {
    out.push(Number(value & 0x7fn) | 0x80);
    value >>= 7n;
  }
  out.push(Number(value));
}

function zigzag(value: number | bigint): bigint {
  const big = BigInt(value);
  return big >= 0n ? big << 1n : ((-big) << 1n) - 1n;
}

function writeValue(out: Bytes, value: ThriftValue): void {
  switch (value.t) {
    case "bool":
      out.push(value.v ? 1 : 2);
      break;
    case "byte":
      out.push(value.v & 0xff);
      break;
    case "i32":
    case "i64":
      varint(out, zigzag(value.v));
      break;
    case "binary":
      varint(out, BigInt(value.v.length));
      out.append(value.v);
      break;
    case "list": {
      const code = TYPE_CODE[value.elem];
      if (value.v.length < 15) out.push((value.v.length << 4) | code);
      else {
        out.push(0xf0 | code);
        varint(out, BigInt(value.v.length));
      }
      for (const item of value.v) writeValue(out, item);
      break;
    }
    case "struct":
      writeStruct(out, value.v);
      break;
  }
}

function writeStruct(out: Bytes, struct: ThriftStruct): void {
  let last = 0;
  const ids = Object.keys(struct).map(Number).sort((a, b) => a - b);
  for (const id of ids) {
    const value = struct[id];
    if (value === undefined) continue;
    // Booleans live in the field header's type nibble: 1 true, 2 false.
    const code = value.t === "bool" ? (value.v ? 1 : 2) : TYPE_CODE[value.t];
    const delta = id - last;
    if (delta > 0 && delta <= 15) out.push((delta << 4) | code);
    else {
      out.push(code);
      varint(out, zigzag(id));
    }
    if (value.t !== "bool") writeValue(out, value);
    last = id;
  }
  out.push(0);
}

/** Serialises a struct with the compact protocol. */
export function serializeStruct(struct: ThriftStruct): Uint8Array {
  const out = new Bytes();
  writeStruct(out, struct);
  return out.buffer.slice(0, out.length);
}
