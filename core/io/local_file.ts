import * as fs from "node:fs/promises";
import { readSync } from "node:fs";
import { RistrettoError } from "../errors/ristretto_error.ts";
import type { ByteRange, ByteSource } from "../plugin/types.ts";

/**
 * Positioned reads (pread) on a local file: concurrent reads never race on a file cursor.
 * Reads are synchronous: a local pread of a basket takes microseconds, while each async read
 * went through Deno's I/O thread pool and cost ~12% of a whole analysis's CPU in hand-offs
 * (bench/README.md, issue 6). A network mount is better read through root:// or https://.
 */
class LocalFileSource implements ByteSource {
  readonly url: string;
  #handle: fs.FileHandle;
  #size: number;

  constructor(url: string, handle: fs.FileHandle, size: number) {
    this.url = url;
    this.#handle = handle;
    this.#size = size;
  }

  size(): Promise<number> {
    return Promise.resolve(this.#size);
  }

  read(offset: number, length: number): Promise<Uint8Array> {
    try {
      return Promise.resolve(this.#readNow(offset, length));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #readNow(offset: number, length: number): Uint8Array {
    if (offset < 0 || length < 0 || offset + length > this.#size) {
      throw new RistrettoError(
        "IO_SHORT_READ",
        `Cannot read "${this.url}": bytes [${offset}, ${
          offset + length
        }) lie beyond the end of the file (${this.#size} bytes); the file may be truncated`,
      );
    }
    const buffer = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const bytesRead = readSync(this.#handle.fd, buffer, done, length - done, offset + done);
      if (bytesRead === 0) {
        throw new RistrettoError(
          "IO_SHORT_READ",
          `Cannot read "${this.url}": file ended at byte ${
            offset + done
          }, expected ${length} bytes from ${offset}`,
        );
      }
      done += bytesRead;
    }
    return buffer;
  }

  readMany(ranges: readonly ByteRange[]): Promise<Uint8Array[]> {
    return Promise.all(ranges.map((range) => this.read(range.offset, range.length)));
  }

  async close(): Promise<void> {
    await this.#handle.close();
  }
}

/** Strips a `file://` prefix; plain paths pass through. */
export function localPath(url: string): string {
  return url.startsWith("file://") ? decodeURIComponent(new URL(url).pathname) : url;
}

/**
 * Opens a local file for random access.
 *
 * @example
 * ```ts ignore
 * const source = await openLocalFile("../shared/data/nanoaod/nano_dy.root");
 * const magic = await source.read(0, 4); // "root"
 * await source.close();
 * ```
 */
export async function openLocalFile(url: string): Promise<ByteSource> {
  const path = localPath(url);
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, "r");
  } catch (cause) {
    throw new RistrettoError("IO_OPEN", `Cannot open "${path}": ${(cause as Error).message}`, {
      cause,
    });
  }
  try {
    const { size } = await handle.stat();
    return new LocalFileSource(path, handle, size);
  } catch (cause) {
    await handle.close();
    throw new RistrettoError("IO_OPEN", `Cannot stat "${path}": ${(cause as Error).message}`, {
      cause,
    });
  }
}
