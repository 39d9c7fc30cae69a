/**
 * One logged-in XRootD connection: requests multiplexed by stream id, responses demultiplexed
 * frame by frame (oksofar frames gathered, kXR_wait resent, kXR_waitresp answered via kXR_attn),
 * a no-progress timeout per request, and every pending request failed when the socket goes.
 * @module
 */
import * as net from "node:net";
import {
  ATTN_ASYNRESP,
  bodyText,
  encodeHandshake,
  encodeLogin,
  encodeProtocol,
  ERROR_NAME,
  REQUEST_NAME,
  STATUS,
} from "./_protocol.ts";

/** The connection failed (refused, closed, timed out, garbled): worth a reconnect and retry. */
export class XrdTransportError extends Error {
  readonly kind: "connect" | "closed" | "timeout" | "protocol";
  constructor(kind: XrdTransportError["kind"], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
  }
}

/** The server answered kXR_error: not retried (the file is missing, access denied, ...). */
export class XrdServerError extends Error {
  readonly errnum: number;
  constructor(errnum: number, text: string) {
    super(`server error ${errnum} (${ERROR_NAME[errnum] ?? "unknown"}): ${text}`);
    this.errnum = errnum;
  }
}

/** The answer of a request: its data, or where to go instead. */
export type XrdAnswer =
  | { readonly kind: "ok"; readonly body: Uint8Array }
  | {
    readonly kind: "redirect";
    readonly host: string;
    readonly port: number;
    readonly opaque?: string;
  };

/** Timeouts and limits of a connection. */
export interface XrdConnectionOptions {
  readonly connectTimeoutMs: number;
  /** Milliseconds without any byte of a request's answer before the connection is given up. */
  readonly requestTimeoutMs: number;
  /** Upper bound of the seconds one request may spend in kXR_wait / kXR_waitresp in total. */
  readonly maxWaitSeconds: number;
  readonly user: string;
}

interface _Pending {
  readonly request: number;
  readonly bytes: Uint8Array;
  readonly resolve: (answer: XrdAnswer) => void;
  readonly reject: (error: Error) => void;
  /** Preallocated buffer for the data (reads), filled frame by frame without extra copies. */
  sink?: Uint8Array;
  filled: number;
  parts: Uint8Array[];
  lastProgress: number;
  /** Extra patience granted by kXR_waitresp, in ms. */
  graceMs: number;
  waitedSeconds: number;
  timer?: ReturnType<typeof setTimeout>;
  resendTimer?: ReturnType<typeof setTimeout>;
}

const _HANDSHAKE_STREAM = 1;

/** A connection to one XRootD endpoint. Use XrdConnection.open. */
export class XrdConnection {
  readonly host: string;
  readonly port: number;
  readonly #socket: net.Socket;
  readonly #options: XrdConnectionOptions;
  readonly #pending = new Map<number, _Pending>();
  readonly #closed: Promise<void>;
  #nextStream = _HANDSHAKE_STREAM + 1;
  #failure?: XrdTransportError;
  // Frame parser state.
  readonly #header = new Uint8Array(8);
  #headerFilled = 0;
  #frameStream = 0;
  #frameStatus = 0;
  #frameBody: Uint8Array | undefined;
  #frameFilled = 0;
  #frameIntoSink = false;

  private constructor(
    host: string,
    port: number,
    socket: net.Socket,
    options: XrdConnectionOptions,
  ) {
    this.host = host;
    this.port = port;
    this.#socket = socket;
    this.#options = options;
    this.#closed = new Promise((resolve) => socket.once("close", () => resolve()));
    socket.on("data", (chunk: Uint8Array) => this.#onData(chunk));
    socket.on("error", (error: Error) => {
      this.#fail(new XrdTransportError("closed", `connection lost (${error.message})`));
    });
    socket.on("close", () => {
      this.#fail(new XrdTransportError("closed", "server closed the connection"));
    });
  }

  /** Connects, does the handshake with kXR_protocol, and logs in (no authentication). */
  static async open(host: string, port: number, options: XrdConnectionOptions) {
    const socket = await _connect(host, port, options.connectTimeoutMs);
    const connection = new XrdConnection(host, port, socket, options);
    try {
      const handshake = encodeHandshake();
      const protocol = encodeProtocol(_HANDSHAKE_STREAM);
      const first = new Uint8Array(handshake.length + protocol.length);
      first.set(handshake);
      first.set(protocol, handshake.length);
      await connection.#send(protocol.subarray(0, 4), first, _HANDSHAKE_STREAM);
      const login = await connection.request(
        (stream) => encodeLogin(stream, Deno.pid, options.user),
      );
      if (login.kind !== "ok") {
        throw new XrdTransportError("protocol", "kXR_login was redirected; not supported");
      }
      // A security token after the 16-byte session id means the server wants kXR_auth.
      if (login.body.length > 16 && bodyText(login.body, 16).includes("&P=")) {
        throw new XrdTransportError(
          "protocol",
          `server requires authentication (${bodyText(login.body, 16)}), which is not supported`,
        );
      }
      return connection;
    } catch (error) {
      await connection.close();
      throw error;
    }
  }

  /** True once the socket failed or was closed. */
  get broken(): boolean {
    return this.#failure !== undefined;
  }

  /**
   * Sends one request (built for the stream id given) and resolves with its answer. `sinkLength`
   * preallocates the answer's buffer (reads). kXR_error rejects with XrdServerError, transport
   * trouble with XrdTransportError.
   */
  request(
    build: (streamId: number) => Uint8Array,
    options: { sinkLength?: number } = {},
  ): Promise<XrdAnswer> {
    const stream = this.#allocateStream();
    const bytes = build(stream);
    return this.#send(bytes.subarray(0, 4), bytes, stream, options.sinkLength);
  }

  #allocateStream(): number {
    for (let i = 0; i < 65536; i++) {
      const id = this.#nextStream;
      this.#nextStream = this.#nextStream >= 65535 ? _HANDSHAKE_STREAM + 1 : this.#nextStream + 1;
      if (!this.#pending.has(id)) return id;
    }
    throw new XrdTransportError("protocol", "no free stream id (65534 requests in flight)");
  }

  #send(
    head: Uint8Array,
    bytes: Uint8Array,
    stream: number,
    sinkLength?: number,
  ): Promise<XrdAnswer> {
    if (this.#failure) return Promise.reject(this.#failure);
    const request = (head[2] << 8) | head[3];
    return new Promise<XrdAnswer>((resolve, reject) => {
      const pending: _Pending = {
        request,
        bytes,
        resolve,
        reject,
        sink: sinkLength !== undefined && sinkLength > 0 ? new Uint8Array(sinkLength) : undefined,
        filled: 0,
        parts: [],
        lastProgress: performance.now(),
        graceMs: 0,
        waitedSeconds: 0,
      };
      this.#pending.set(stream, pending);
      this.#arm(stream, pending);
      this.#socket.write(bytes);
    });
  }

  /** The no-progress watchdog of one request: fires, then re-arms while bytes keep coming. */
  #arm(stream: number, pending: _Pending): void {
    const limit = this.#options.requestTimeoutMs + pending.graceMs;
    const idle = performance.now() - pending.lastProgress;
    pending.timer = setTimeout(() => {
      pending.timer = undefined;
      if (this.#pending.get(stream) !== pending) return;
      const since = performance.now() - pending.lastProgress;
      if (since >= this.#options.requestTimeoutMs + pending.graceMs) {
        // The connection's state is unknown now: drop it (the caller reconnects and retries).
        this.#fail(
          new XrdTransportError(
            "timeout",
            `no answer within ${Math.round(since)} ms to ${REQUEST_NAME[pending.request]}`,
          ),
        );
        this.#socket.destroy();
      } else {
        this.#arm(stream, pending);
      }
    }, Math.max(1, limit - idle));
  }

  #onData(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.#frameBody === undefined) {
        const take = Math.min(8 - this.#headerFilled, chunk.length - at);
        this.#header.set(chunk.subarray(at, at + take), this.#headerFilled);
        this.#headerFilled += take;
        at += take;
        if (this.#headerFilled < 8) return;
        this.#headerFilled = 0;
        const view = new DataView(this.#header.buffer);
        this.#frameStream = view.getUint16(0);
        this.#frameStatus = view.getUint16(2);
        const length = view.getInt32(4);
        if (length < 0 || length > 1 << 30) {
          this.#fail(new XrdTransportError("protocol", `garbled response (length ${length})`));
          this.#socket.destroy();
          return;
        }
        const pending = this.#pending.get(this.#frameStream);
        const isData = this.#frameStatus === STATUS.ok || this.#frameStatus === STATUS.oksofar;
        if (
          isData && pending?.sink !== undefined && pending.filled + length <= pending.sink.length
        ) {
          this.#frameBody = pending.sink.subarray(pending.filled, pending.filled + length);
          this.#frameIntoSink = true;
        } else {
          this.#frameBody = new Uint8Array(length);
          this.#frameIntoSink = false;
        }
        this.#frameFilled = 0;
        if (pending) pending.lastProgress = performance.now();
      }
      const body = this.#frameBody;
      const take = Math.min(body.length - this.#frameFilled, chunk.length - at);
      body.set(chunk.subarray(at, at + take), this.#frameFilled);
      this.#frameFilled += take;
      at += take;
      if (take > 0) {
        const pending = this.#pending.get(this.#frameStream);
        if (pending) pending.lastProgress = performance.now();
      }
      if (this.#frameFilled === body.length) {
        this.#frameBody = undefined;
        this.#dispatch(this.#frameStream, this.#frameStatus, body, this.#frameIntoSink);
      }
    }
  }

  #dispatch(stream: number, status: number, body: Uint8Array, inSink: boolean): void {
    if (status === STATUS.attn) {
      const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
      // kXR_asynresp: a whole response (8-byte header + data) for a request told to waitresp.
      if (body.length >= 16 && view.getInt32(0) === ATTN_ASYNRESP) {
        const inner = new DataView(body.buffer, body.byteOffset + 8, 8);
        const length = inner.getInt32(4);
        this.#dispatch(
          inner.getUint16(0),
          inner.getUint16(2),
          body.slice(16, 16 + length),
          false,
        );
      }
      return; // other attention messages (kXR_asyncms, ...) carry nothing we act on
    }
    const pending = this.#pending.get(stream);
    if (!pending) return; // the handshake's own reply (stream 0), or a request given up
    const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
    switch (status) {
      case STATUS.oksofar:
      case STATUS.ok: {
        if (inSink) pending.filled += body.length;
        else if (body.length > 0) pending.parts.push(body);
        if (status === STATUS.oksofar) return;
        this.#finish(stream, pending);
        pending.resolve({ kind: "ok", body: _gather(pending) });
        return;
      }
      case STATUS.error: {
        this.#finish(stream, pending);
        const errnum = body.length >= 4 ? view.getInt32(0) : 0;
        pending.reject(new XrdServerError(errnum, bodyText(body, 4)));
        return;
      }
      case STATUS.redirect: {
        this.#finish(stream, pending);
        const port = body.length >= 4 ? view.getInt32(0) : -1;
        const target = bodyText(body, 4);
        const [host, opaque] = target.split("?", 2);
        pending.resolve({ kind: "redirect", host, port, opaque: opaque || undefined });
        return;
      }
      case STATUS.wait: {
        // A zero-second wait still counts 0.1 s, so a server that keeps saying "wait 0" runs
        // into maxWaitSeconds instead of looping for ever.
        const seconds = body.length >= 4 ? Math.max(0.1, view.getInt32(0)) : 1;
        const wait = Math.min(seconds, this.#options.maxWaitSeconds - pending.waitedSeconds);
        if (wait <= 0) {
          this.#finish(stream, pending);
          pending.reject(
            new XrdTransportError(
              "timeout",
              `server kept asking to wait (kXR_wait, ${
                pending.waitedSeconds.toFixed(1)
              } s so far, ` +
                `limit ${this.#options.maxWaitSeconds} s)`,
            ),
          );
          return;
        }
        pending.waitedSeconds += wait;
        if (pending.timer !== undefined) clearTimeout(pending.timer);
        pending.timer = undefined;
        pending.resendTimer = setTimeout(() => {
          pending.resendTimer = undefined;
          if (this.#pending.get(stream) !== pending || this.#failure) return;
          pending.lastProgress = performance.now();
          this.#arm(stream, pending);
          this.#socket.write(pending.bytes);
        }, wait * 1000);
        return;
      }
      case STATUS.waitresp: {
        // The answer comes later in a kXR_attn; be patient for as long as the server says.
        const seconds = body.length >= 4 ? Math.max(0, view.getInt32(0)) : 0;
        pending.graceMs = Math.min(seconds, this.#options.maxWaitSeconds) * 1000;
        pending.lastProgress = performance.now();
        return;
      }
      default: {
        this.#finish(stream, pending);
        pending.reject(
          new XrdTransportError(
            "protocol",
            `unexpected response status ${status} to ${REQUEST_NAME[pending.request]}` +
              (status === STATUS.authmore ? " (authentication is not supported)" : ""),
          ),
        );
      }
    }
  }

  #finish(stream: number, pending: _Pending): void {
    if (pending.timer !== undefined) clearTimeout(pending.timer);
    if (pending.resendTimer !== undefined) clearTimeout(pending.resendTimer);
    pending.timer = pending.resendTimer = undefined;
    this.#pending.delete(stream);
  }

  #fail(error: XrdTransportError): void {
    this.#failure ??= error;
    for (const [stream, pending] of [...this.#pending]) {
      this.#finish(stream, pending);
      pending.reject(this.#failure);
    }
  }

  /** Closes the socket and waits until it is gone; pending requests fail. */
  async close(): Promise<void> {
    this.#fail(new XrdTransportError("closed", "connection closed by the client"));
    this.#socket.destroy();
    await this.#closed;
  }
}

function _gather(pending: _Pending): Uint8Array {
  if (pending.sink !== undefined && pending.parts.length === 0) {
    return pending.sink.subarray(0, pending.filled);
  }
  const head = pending.sink?.subarray(0, pending.filled);
  const parts = head ? [head, ...pending.parts] : pending.parts;
  if (parts.length === 1) return parts[0];
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function _connect(host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const onError = (error: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(
        new XrdTransportError("connect", `cannot connect to ${host}:${port} (${error.message})`, {
          cause: error,
        }),
      );
    };
    const timer = setTimeout(() => {
      socket.off("error", onError);
      socket.once("error", () => {});
      socket.destroy();
      reject(
        new XrdTransportError("connect", `no connection to ${host}:${port} within ${timeoutMs} ms`),
      );
    }, timeoutMs);
    socket.once("error", onError);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.off("error", onError);
      socket.setNoDelay(true);
      resolve(socket);
    });
  });
}
