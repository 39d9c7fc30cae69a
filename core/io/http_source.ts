import * as http from "node:http";
import * as https from "node:https";
import { RistrettoError } from "../errors/ristretto_error.ts";
import type { ByteRange, ByteSource } from "../plugin/types.ts";

/** Options of openHttpFile. */
export interface HttpSourceOptions {
  /** Milliseconds without progress before a request fails (default 60 s). */
  readonly timeoutMs?: number;
  /** Requests in flight at once in readMany (default 4). */
  readonly concurrency?: number;
}

interface _Response {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Uint8Array;
}

/**
 * One GET with a `Range:` header. node:http keeps the header's spelling, which XRootD's HTTP
 * server requires (Deno's fetch lowercases it and gets the whole file back).
 */
function _get(url: string, range: string, timeoutMs: number): Promise<_Response> {
  const client = url.startsWith("https:") ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      url,
      { method: "GET", headers: { Range: range } },
      (response) => {
        if (response.statusCode !== 206) {
          // Not a range answer (a whole file, an error page): do not download it.
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: new Uint8Array(0),
          });
          response.destroy();
          return;
        }
        const parts: Uint8Array[] = [];
        response.on("data", (chunk: Uint8Array) => parts.push(chunk));
        response.on("error", reject);
        response.on("end", () => {
          let total = 0;
          for (const p of parts) total += p.length;
          const body = new Uint8Array(total);
          let at = 0;
          for (const p of parts) {
            body.set(p, at);
            at += p.length;
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body });
        });
      },
    );
    request.setTimeout(
      timeoutMs,
      () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)),
    );
    request.on("error", reject);
    request.end();
  });
}

class HttpSource implements ByteSource {
  readonly url: string;
  readonly #size: number;
  readonly #timeoutMs: number;
  readonly #concurrency: number;

  constructor(url: string, size: number, options: HttpSourceOptions) {
    this.url = url;
    this.#size = size;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#concurrency = Math.max(1, options.concurrency ?? 4);
  }

  size(): Promise<number> {
    return Promise.resolve(this.#size);
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    if (offset < 0 || length < 0 || offset + length > this.#size) {
      throw new RistrettoError(
        "IO_SHORT_READ",
        `Cannot read "${this.url}": bytes [${offset}, ${
          offset + length
        }) lie beyond the end of the file (${this.#size} bytes)`,
      );
    }
    if (length === 0) return new Uint8Array(0);
    let response: _Response;
    try {
      response = await _get(this.url, `bytes=${offset}-${offset + length - 1}`, this.#timeoutMs);
    } catch (cause) {
      throw new RistrettoError(
        "IO_READ",
        `Cannot read "${this.url}": ${(cause as Error).message}`,
        {
          cause,
        },
      );
    }
    if (response.status !== 206) {
      throw new RistrettoError(
        "IO_NO_RANGE",
        `Cannot read "${this.url}": the server answered ${response.status} to a Range request`,
      );
    }
    if (response.body.length !== length) {
      throw new RistrettoError(
        "IO_SHORT_READ",
        `Cannot read "${this.url}": got ${response.body.length} bytes from ${offset}, expected ${length}`,
      );
    }
    return response.body;
  }

  async readMany(ranges: readonly ByteRange[]): Promise<Uint8Array[]> {
    const out = new Array<Uint8Array>(ranges.length);
    let next = 0;
    const worker = async () => {
      while (next < ranges.length) {
        const i = next++;
        out[i] = await this.read(ranges[i].offset, ranges[i].length);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, ranges.length) }, worker));
    return out;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Opens a file over HTTP(S) for random access with Range requests. The size comes from the
 * `Content-Range` of a first one-byte request, which also proves the server honours ranges.
 *
 * @example
 * ```ts ignore
 * const source = await openHttpFile("http://127.0.0.1:8080/data/nano_dy.root");
 * const magic = await source.read(0, 4);
 * ```
 */
export async function openHttpFile(
  url: string,
  options: HttpSourceOptions = {},
): Promise<ByteSource> {
  let response: _Response;
  try {
    response = await _get(url, "bytes=0-0", options.timeoutMs ?? 60_000);
  } catch (cause) {
    throw new RistrettoError("IO_OPEN", `Cannot open "${url}": ${(cause as Error).message}`, {
      cause,
    });
  }
  if (response.status === 404) {
    throw new RistrettoError("IO_OPEN", `Cannot open "${url}": not found (HTTP 404)`);
  }
  if (response.status !== 206) {
    throw new RistrettoError(
      "IO_NO_RANGE",
      `Cannot open "${url}": the server answered ${response.status} to a Range request; ` +
        `random access needs HTTP range support`,
    );
  }
  const match = /\/(\d+)\s*$/.exec(String(response.headers["content-range"] ?? ""));
  if (!match) {
    throw new RistrettoError("IO_OPEN", `Cannot open "${url}": no file size in Content-Range`);
  }
  return new HttpSource(url, Number(match[1]), options);
}
