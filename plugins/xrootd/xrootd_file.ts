import { RistrettoError } from "@ristretto/core/errors";
import type { ByteRange, ByteSource } from "@ristretto/core/plugin";
import {
  type XrdAnswer,
  XrdConnection,
  type XrdConnectionOptions,
  XrdServerError,
  XrdTransportError,
} from "./_connection.ts";
import {
  bodyText,
  encodeClose,
  encodeOpen,
  encodeRead,
  encodeReadv,
  encodeStat,
  parseStat,
  READV_MAX_ITEM_BYTES,
  READV_MAX_ITEMS,
} from "./_protocol.ts";

/** Options of openXRootDFile (every field optional; see `defaults`). */
export interface XRootDOptions {
  /** Milliseconds to establish a TCP connection. */
  readonly connectTimeoutMs?: number;
  /** Milliseconds without any byte of an answer before a request is given up. */
  readonly requestTimeoutMs?: number;
  /** Attempts beyond the first after a transport failure (reconnecting each time). */
  readonly retries?: number;
  /** Delay before the first retry, in ms; doubled at each further retry. */
  readonly retryDelayMs?: number;
  /** Redirects followed per open before giving up. */
  readonly maxRedirects?: number;
  /** Seconds one request may spend waiting on kXR_wait / kXR_waitresp in total. */
  readonly maxWaitSeconds?: number;
  /** Bytes per kXR_readv request in readMany. */
  readonly readvBytes?: number;
  /** kXR_readv requests in flight at once in readMany. */
  readonly readvConcurrency?: number;
  /** User name sent in kXR_login (at most 8 bytes are used). */
  readonly user?: string;
}

/** The defaults of XRootDOptions. */
export const defaults: Required<XRootDOptions> = {
  connectTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  retries: 2,
  retryDelayMs: 250,
  maxRedirects: 8,
  maxWaitSeconds: 120,
  readvBytes: 8 * 1024 * 1024,
  readvConcurrency: 4,
  user: "ristrett",
};

/** The parts of a `root://host[:port]//path[?opaque]` URL. */
export interface RootUrl {
  readonly host: string;
  readonly port: number;
  /** Absolute path on the server, e.g. `/store/mc/x.root`. */
  readonly path: string;
  /** CGI after `?`, without it. */
  readonly opaque?: string;
}

/** Splits a root:// (or xroot://) URL; the default port is 1094. */
export function parseRootUrl(url: string): RootUrl {
  const match = /^x?root:\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^:/?]+)(?::(\d+))?(\/[^?]*)?(?:\?(.*))?$/i
    .exec(url);
  if (!match || !match[3] || match[3].replace(/^\/+/, "") === "") {
    throw new RistrettoError(
      "XROOTD_URL",
      `Cannot open "${url}": expected root://host[:port]//path/to/file`,
    );
  }
  return {
    host: match[1].replace(/^\[|\]$/g, ""),
    port: match[2] ? Number(match[2]) : 1094,
    path: "/" + match[3].replace(/^\/+/, ""),
    opaque: match[4] || undefined,
  };
}

/** A stat of a file on an XRootD server. */
export interface XRootDStat {
  readonly size: number;
  /** kXR_stat flags (kXR_isDir 2, kXR_other 4, kXR_offline 8, kXR_readable 16, ...). */
  readonly flags: number;
  /** Modification time, seconds since the epoch. */
  readonly mtime: number;
}

interface _Endpoint {
  readonly host: string;
  readonly port: number;
  readonly opaque?: string;
}

interface _State {
  readonly connection: XrdConnection;
  readonly handle: Uint8Array;
  readonly stat: XRootDStat;
}

function _connectionOptions(options: Required<XRootDOptions>): XrdConnectionOptions {
  return {
    connectTimeoutMs: options.connectTimeoutMs,
    requestTimeoutMs: options.requestTimeoutMs,
    maxWaitSeconds: options.maxWaitSeconds,
    user: options.user,
  };
}

function _withOpaque(path: string, ...opaques: (string | undefined)[]): string {
  const cgi = opaques.filter((o) => o).join("&");
  return cgi ? `${path}?${cgi}` : path;
}

/**
 * Sends a path request (open, stat) at the URL's endpoint, following redirects up to the limit.
 * Returns the answer and the connection it came on (the caller owns it).
 */
async function _followRedirects(
  url: string,
  target: RootUrl,
  options: Required<XRootDOptions>,
  build: (stream: number, path: string) => Uint8Array,
  operation: string,
): Promise<{ connection: XrdConnection; body: Uint8Array }> {
  let endpoint: _Endpoint = { host: target.host, port: target.port };
  const hops: string[] = [`${target.host}:${target.port}`];
  for (let hop = 0;; hop++) {
    const connection = await XrdConnection.open(
      endpoint.host,
      endpoint.port,
      _connectionOptions(options),
    );
    let answer: XrdAnswer;
    try {
      answer = await connection.request((stream) =>
        build(stream, _withOpaque(target.path, target.opaque, endpoint.opaque))
      );
    } catch (error) {
      await connection.close();
      throw error;
    }
    if (answer.kind === "ok") return { connection, body: answer.body };
    await connection.close();
    if (hop + 1 > options.maxRedirects) {
      throw new RistrettoError(
        "XROOTD_REDIRECT_LOOP",
        `Cannot open "${url}": more than ${options.maxRedirects} redirects during ${operation} (${
          hops.join(" -> ")
        })`,
      );
    }
    // A port of -1 or 0 keeps the current one (the redirect names only a host).
    endpoint = {
      host: answer.host,
      port: answer.port > 0 ? answer.port : endpoint.port,
      opaque: answer.opaque,
    };
    hops.push(`${endpoint.host}:${endpoint.port}`);
  }
}

/** Runs `fn` with retries on transport failures, waiting retryDelayMs * 2^k between them. */
async function _retrying<T>(
  options: Required<XRootDOptions>,
  fn: () => Promise<T>,
  onFailure: () => Promise<void>,
): Promise<{ value: T } | { error: XrdTransportError; attempts: number }> {
  const attempts = options.retries + 1;
  let last: XrdTransportError | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return { value: await fn() };
    } catch (error) {
      if (!(error instanceof XrdTransportError)) throw error;
      last = error;
      await onFailure();
      if (attempt < attempts) {
        await new Promise((resolve) =>
          setTimeout(resolve, options.retryDelayMs * 2 ** (attempt - 1))
        );
      }
    }
  }
  return { error: last!, attempts };
}

function _attempts(n: number): string {
  return n === 1 ? "after 1 attempt" : `after ${n} attempts`;
}

function _serverFailure(action: string, url: string, operation: string, error: unknown): never {
  if (error instanceof XrdServerError) {
    throw new RistrettoError(
      error.errnum === 3011 ? "XROOTD_NOT_FOUND" : "XROOTD_SERVER_ERROR",
      `Cannot ${action} "${url}": ${error.message} (${operation})`,
      { cause: error },
    );
  }
  throw error;
}

/** A file open on an XRootD server: the ByteSource of a root:// URL. */
export class XRootDFile implements ByteSource {
  readonly url: string;
  readonly #target: RootUrl;
  readonly #options: Required<XRootDOptions>;
  #state?: Promise<_State>;
  #stat?: XRootDStat;
  #closed = false;

  constructor(url: string, options: XRootDOptions = {}) {
    this.url = url;
    this.#target = parseRootUrl(url);
    this.#options = { ...defaults, ...options };
  }

  /** Opens the file (following redirects, retrying transport failures). */
  async open(): Promise<this> {
    const result = await _retrying(
      this.#options,
      () => this.#current(),
      () => this.#drop(),
    ).catch((error) => _serverFailure("open", this.url, "kXR_open", error));
    if ("error" in result) {
      throw new RistrettoError(
        _code(result.error),
        `Cannot open "${this.url}": ${result.error.message} during kXR_open (${
          _attempts(result.attempts)
        })`,
        { cause: result.error },
      );
    }
    return this;
  }

  /** The file's stat as the open returned it. */
  stat(): XRootDStat {
    if (!this.#stat) {
      throw new RistrettoError("XROOTD_NOT_OPEN", `Cannot stat "${this.url}": not open`);
    }
    return this.#stat;
  }

  size(): Promise<number> {
    return Promise.resolve(this.stat().size);
  }

  /** `host:port` of the server the file is open on (after redirects), when connected. */
  async endpoint(): Promise<string | undefined> {
    const state = await this.#state?.catch(() => undefined);
    return state ? `${state.connection.host}:${state.connection.port}` : undefined;
  }

  /** The open file on a live connection, (re)opening it when there is none. */
  #current(): Promise<_State> {
    if (this.#closed) {
      return Promise.reject(
        new RistrettoError("XROOTD_CLOSED", `Cannot read "${this.url}": the file was closed`),
      );
    }
    this.#state ??= this.#openState();
    return this.#state;
  }

  async #openState(): Promise<_State> {
    const { connection, body } = await _followRedirects(
      this.url,
      this.#target,
      this.#options,
      encodeOpen,
      "kXR_open",
    );
    try {
      if (body.length < 4) {
        throw new XrdTransportError("protocol", `kXR_open answered ${body.length} bytes`);
      }
      const handle = body.slice(0, 4);
      const stat = parseStat(bodyText(body, 12));
      if (this.#stat && stat.size !== this.#stat.size) {
        throw new RistrettoError(
          "XROOTD_FILE_CHANGED",
          `Cannot read "${this.url}": the file changed size from ${this.#stat.size} to ${stat.size} bytes while it was open`,
        );
      }
      this.#stat ??= stat;
      return { connection, handle, stat };
    } catch (error) {
      await connection.close();
      throw error;
    }
  }

  /** Forgets a failed connection (closing it) so the next attempt reconnects. */
  async #drop(): Promise<void> {
    const state = this.#state;
    this.#state = undefined;
    const current = await state?.catch(() => undefined);
    await current?.connection.close();
  }

  /** One operation with reconnect-and-retry; errors name the URL, the request and the offset. */
  async #run<T>(
    operation: string,
    where: string,
    fn: (state: _State) => Promise<T>,
  ): Promise<T> {
    let used: Promise<_State> | undefined;
    const result = await _retrying(
      this.#options,
      async () => {
        used = this.#current();
        return await fn(await used);
      },
      async () => {
        // Only the first of concurrent failures on a connection drops it.
        if (used !== undefined && this.#state === used) await this.#drop();
      },
    ).catch((error) => _serverFailure("read", this.url, `${operation} ${where}`, error));
    if ("error" in result) {
      throw new RistrettoError(
        _code(result.error),
        `Cannot read "${this.url}": ${result.error.message} during ${operation} ${where} (${
          _attempts(result.attempts)
        })`,
        { cause: result.error },
      );
    }
    return result.value;
  }

  #checkRange(offset: number, length: number): void {
    const size = this.stat().size;
    if (offset < 0 || length < 0 || offset + length > size) {
      throw new RistrettoError(
        "IO_SHORT_READ",
        `Cannot read "${this.url}": bytes [${offset}, ${
          offset + length
        }) lie beyond the end of the file (${size} bytes)`,
      );
    }
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    this.#checkRange(offset, length);
    if (length === 0) return new Uint8Array(0);
    const data = await this.#run("kXR_read", `at offset ${offset}`, async (state) => {
      const answer = await state.connection.request(
        (stream) => encodeRead(stream, state.handle, offset, length),
        { sinkLength: length },
      );
      return (answer as { body: Uint8Array }).body;
    });
    if (data.length !== length) {
      throw new RistrettoError(
        "IO_SHORT_READ",
        `Cannot read "${this.url}": got ${data.length} bytes from ${offset}, expected ${length}`,
      );
    }
    return data;
  }

  async readMany(ranges: readonly ByteRange[]): Promise<Uint8Array[]> {
    for (const range of ranges) this.#checkRange(range.offset, range.length);
    // Pieces of at most READV_MAX_ITEM_BYTES; batches of at most READV_MAX_ITEMS pieces and
    // readvBytes bytes (a range longer than that is a batch of its own).
    type Piece = { range: number; at: number; offset: number; length: number };
    const batches: Piece[][] = [];
    let batch: Piece[] = [];
    let batchBytes = 0;
    ranges.forEach((range, index) => {
      for (let at = 0; at < range.length; at += READV_MAX_ITEM_BYTES) {
        const length = Math.min(READV_MAX_ITEM_BYTES, range.length - at);
        if (
          batch.length > 0 &&
          (batch.length >= READV_MAX_ITEMS || batchBytes + length > this.#options.readvBytes)
        ) {
          batches.push(batch);
          batch = [];
          batchBytes = 0;
        }
        batch.push({ range: index, at, offset: range.offset + at, length });
        batchBytes += length;
      }
    });
    if (batch.length > 0) batches.push(batch);

    const out: Uint8Array[] = ranges.map(() => new Uint8Array(0));
    const split = ranges.map((range) => range.length > READV_MAX_ITEM_BYTES);
    ranges.forEach((range, i) => {
      if (split[i]) out[i] = new Uint8Array(range.length);
    });
    let next = 0;
    const worker = async () => {
      while (next < batches.length) {
        const pieces = batches[next++];
        const bodies = await this.#readv(pieces);
        pieces.forEach((piece, i) => {
          if (split[piece.range]) out[piece.range].set(bodies[i], piece.at);
          else out[piece.range] = bodies[i];
        });
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(this.#options.readvConcurrency, batches.length) }, worker),
    );
    return out;
  }

  /** One kXR_readv; answers are {fhandle, rlen, offset} headers each followed by rlen bytes. */
  async #readv(pieces: readonly { offset: number; length: number }[]): Promise<Uint8Array[]> {
    const expected = pieces.reduce((sum, p) => sum + 16 + p.length, 0);
    const body = await this.#run(
      "kXR_readv",
      `of ${pieces.length} ranges from offset ${pieces[0].offset}`,
      async (state) => {
        const answer = await state.connection.request(
          (stream) => encodeReadv(stream, state.handle, pieces),
          { sinkLength: expected },
        );
        return (answer as { body: Uint8Array }).body;
      },
    );
    const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
    const result: Uint8Array[] = [];
    let at = 0;
    for (const piece of pieces) {
      const rlen = at + 16 <= body.length ? view.getInt32(at + 4) : -1;
      const offset = at + 16 <= body.length ? Number(view.getBigInt64(at + 8)) : -1;
      if (rlen !== piece.length || offset !== piece.offset || at + 16 + rlen > body.length) {
        throw new RistrettoError(
          "IO_SHORT_READ",
          `Cannot read "${this.url}": kXR_readv answered ${rlen} bytes at ${offset} for ${piece.length} bytes at ${piece.offset}`,
        );
      }
      result.push(body.subarray(at + 16, at + 16 + rlen));
      at += 16 + rlen;
    }
    return result;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const state = await this.#state?.catch(() => undefined);
    this.#state = undefined;
    if (!state) return;
    try {
      if (!state.connection.broken) {
        await state.connection.request((stream) => encodeClose(stream, state.handle));
      }
    } catch {
      // The connection goes anyway: the server releases the handle with it.
    } finally {
      await state.connection.close();
    }
  }
}

function _code(error: XrdTransportError): string {
  return error.kind === "timeout"
    ? "XROOTD_TIMEOUT"
    : error.kind === "connect"
    ? "XROOTD_CONNECT"
    : error.kind === "protocol"
    ? "XROOTD_PROTOCOL"
    : "XROOTD_CLOSED";
}

/**
 * Opens a file on an XRootD server for random access (kXR_open; reads with kXR_read, readMany
 * with kXR_readv). Redirects are followed, kXR_wait honoured, dropped connections reopened and
 * the request retried `retries` times.
 *
 * @example
 * ```ts ignore
 * const file = await openXRootDFile("root://127.0.0.1:1094//data/nano_dy.root");
 * const magic = await file.read(0, 4); // "root"
 * await file.close();
 * ```
 */
export async function openXRootDFile(
  url: string,
  options: XRootDOptions = {},
): Promise<XRootDFile> {
  return await new XRootDFile(url, options).open();
}

/** kXR_stat of a root:// URL (following redirects): size, flags, modification time. */
export async function statXRootD(url: string, options: XRootDOptions = {}): Promise<XRootDStat> {
  const full = { ...defaults, ...options };
  const target = parseRootUrl(url);
  let connection: XrdConnection | undefined;
  const result = await _retrying(
    full,
    async () => {
      const answer = await _followRedirects(url, target, full, encodeStat, "kXR_stat");
      connection = answer.connection;
      return parseStat(bodyText(answer.body));
    },
    async () => {},
  ).catch((error) => _serverFailure("stat", url, "kXR_stat", error))
    .finally(() => connection?.close());
  if ("error" in result) {
    throw new RistrettoError(
      _code(result.error),
      `Cannot stat "${url}": ${result.error.message} during kXR_stat (${
        _attempts(result.attempts)
      })`,
      { cause: result.error },
    );
  }
  return result.value;
}
