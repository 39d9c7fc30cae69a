import * as zlib from "node:zlib";
import { snappyUncompress } from "hyparquet";
import { compressors as jsCompressors } from "hyparquet-compressors";
import type { CompressionCodec } from "hyparquet";

/**
 * Decompresses one page. zstd and gzip go through node:zlib (native, ~3x faster than the JS
 * fzstd of hyparquet-compressors); the rarer codecs use the JS implementations.
 */
export function decompressPage(
  input: Uint8Array,
  page: { readonly codec: CompressionCodec; readonly size: number },
): Uint8Array {
  const { codec, size } = page;
  let output: Uint8Array;
  switch (codec) {
    case "UNCOMPRESSED":
      output = input;
      break;
    case "ZSTD":
      output = zlib.zstdDecompressSync(input);
      break;
    case "GZIP":
      output = zlib.gunzipSync(input);
      break;
    case "BROTLI":
      output = zlib.brotliDecompressSync(input);
      break;
    case "SNAPPY":
      output = new Uint8Array(size);
      snappyUncompress(input, output);
      break;
    default: {
      const decompress =
        (jsCompressors as Record<string, ((i: Uint8Array, n: number) => Uint8Array) | undefined>)[
          codec
        ];
      if (!decompress) throw new Error(`compression codec ${codec} is not supported`);
      output = decompress(input, size);
    }
  }
  if (output.length !== size) {
    throw new Error(`page decompressed to ${output.length} bytes, its header says ${size}`);
  }
  return output;
}
