import { deepEqual } from "node:assert/strict";
import { concatBigEndian, concatBigEndianRange } from "./_swap.ts";

/** `values` written big-endian with DataView (independent of the swap loops under test). */
function bigEndian(
  values: readonly number[],
  size: 1 | 2 | 4 | 8,
  write: (view: DataView, at: number, value: number) => void,
): Uint8Array {
  const bytes = new Uint8Array(values.length * size);
  const view = new DataView(bytes.buffer);
  values.forEach((value, i) => write(view, i * size, value));
  return bytes;
}

/** Splits bytes into parts at these value indices, each part at an odd byte offset. */
function parts(bytes: Uint8Array, size: number, cuts: readonly number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length / size]) {
    const part = bytes.subarray(from * size, cut * size);
    // Misaligned copies: the swap must not assume aligned buffers.
    const padded = new Uint8Array(part.length + 1);
    padded.set(part, 1);
    out.push(padded.subarray(1));
    from = cut;
  }
  return out;
}

Deno.test("concatBigEndianRange: values [from, to) of the concatenation, for every item size", () => {
  const values = Array.from({ length: 23 }, (_, i) => i * 3 - 20);
  const cases = [
    { type: "int8", size: 1, write: (v: DataView, at: number, x: number) => v.setInt8(at, x) },
    { type: "int16", size: 2, write: (v: DataView, at: number, x: number) => v.setInt16(at, x) },
    {
      type: "float32",
      size: 4,
      write: (v: DataView, at: number, x: number) => v.setFloat32(at, x / 4),
    },
    {
      type: "float64",
      size: 8,
      write: (v: DataView, at: number, x: number) => v.setFloat64(at, x / 8),
    },
  ] as const;
  for (const { type, size, write } of cases) {
    const split = parts(bigEndian(values, size, write), size, [5, 6, 14]);
    const whole = concatBigEndian(split, type);
    for (const [from, to] of [[0, 23], [3, 9], [5, 6], [6, 14], [13, 23], [7, 7], [0, 0]]) {
      deepEqual(
        concatBigEndianRange(split, type, from, to),
        whole.slice(from, to),
        `${type} [${from}, ${to})`,
      );
    }
    const expected = values.map((x) => type === "float32" ? x / 4 : type === "float64" ? x / 8 : x);
    deepEqual(Array.from(whole as ArrayLike<number>), expected, `${type}: every value`);
  }
});
