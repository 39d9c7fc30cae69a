import type { AsyncBuffer } from "hyparquet";
import type { ByteSource } from "@ristretto/core/plugin";

/**
 * hyparquet's AsyncBuffer over a Ristretto ByteSource, so hyparquet fetches only the ranges
 * it needs (the footer) through whatever protocol the source speaks.
 */
export function asyncBufferFromSource(source: ByteSource, byteLength: number): AsyncBuffer {
  return {
    byteLength,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const stop = end === undefined ? byteLength : Math.min(end, byteLength);
      const bytes = await source.read(start, Math.max(0, stop - start));
      // A ByteSource may hand back a view into a bigger buffer; hyparquet wants exactly the range.
      return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
        ? bytes.buffer as ArrayBuffer
        : bytes.slice().buffer as ArrayBuffer;
    },
  };
}
