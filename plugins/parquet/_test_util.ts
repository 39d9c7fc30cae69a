/** Helpers shared by this package's tests (not exported from mod.ts). */
import type { ByteRange, ByteSource } from "@ristretto/core/plugin";
import type { NumericArray } from "@ristretto/core/columns";

/** The values as big-endian bytes, as the reference sha256 digests were taken. */
export function bigEndianBytes(values: NumericArray): Uint8Array {
  const width = values.BYTES_PER_ELEMENT;
  const little = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  if (width === 1) return little.slice();
  const out = new Uint8Array(little.length);
  for (let i = 0; i < little.length; i += width) {
    for (let j = 0; j < width; j++) out[i + j] = little[i + width - 1 - j];
  }
  return out;
}

/** Hex sha256 of some bytes. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A ByteSource wrapper that records every range read (to test projection). */
export function recordingSource(
  inner: ByteSource,
): ByteSource & { ranges: ByteRange[] } {
  const ranges: ByteRange[] = [];
  return {
    url: inner.url,
    ranges,
    size: () => inner.size(),
    read(offset: number, length: number) {
      ranges.push({ offset, length });
      return inner.read(offset, length);
    },
    readMany(list: readonly ByteRange[]) {
      ranges.push(...list);
      return inner.readMany(list);
    },
    close: () => inner.close(),
  };
}
