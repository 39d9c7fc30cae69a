/**
 * A tiny fake XRootD server for tests: it does the handshake, kXR_protocol and kXR_login itself
 * and hands every other request to a handler that answers with frames, or drops the
 * connection. Used where a real server cannot misbehave on demand.
 * @module
 */

/** One request as the fake server received it. */
export interface FakeRequest {
  readonly stream: number;
  readonly code: number;
  /** The 24-byte header. */
  readonly header: DataView;
  readonly payload: Uint8Array;
  /** 0 for the first connection the server accepted, 1 for the next, ... */
  readonly connection: number;
  /** The port of this server. */
  readonly port: number;
}

/** What the handler answers: frames to send, then optionally close the connection. */
export interface FakeAction {
  readonly frames: readonly Uint8Array[];
  readonly close?: boolean;
  /** Milliseconds to wait between frames. */
  readonly delayMs?: number;
}

/** A response frame: 8-byte header (stream, status, length) and body. */
export function frame(stream: number, status: number, body: Uint8Array = new Uint8Array(0)) {
  const bytes = new Uint8Array(8 + body.length);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, stream);
  view.setUint16(2, status);
  view.setInt32(4, body.length);
  bytes.set(body, 8);
  return bytes;
}

/** An int32 followed by text (error, redirect, wait bodies). */
export function intText(value: number, text = ""): Uint8Array {
  const encoded = new TextEncoder().encode(text);
  const bytes = new Uint8Array(4 + encoded.length);
  new DataView(bytes.buffer).setInt32(0, value);
  bytes.set(encoded, 4);
  return bytes;
}

/** The answer to kXR_open with kXR_retstat for a file of `size` bytes. */
export function openAnswer(stream: number, size: number): Uint8Array {
  const stat = new TextEncoder().encode(`1 ${size} 16 1700000000\0`);
  const body = new Uint8Array(12 + stat.length);
  body.set([0, 0, 0, 7]);
  body.set(stat, 12);
  return frame(stream, 0, body);
}

/** Answers for kXR_read / kXR_readv on `bytes`, split into frames of `frameBytes`. */
export function dataAnswer(request: FakeRequest, bytes: Uint8Array, frameBytes = 4096) {
  let data: Uint8Array;
  if (request.code === 3013) {
    const offset = Number(request.header.getBigInt64(8));
    const length = request.header.getInt32(16);
    data = bytes.slice(offset, Math.min(bytes.length, offset + length));
  } else {
    const view = new DataView(request.payload.buffer, request.payload.byteOffset);
    const parts: Uint8Array[] = [];
    for (let at = 0; at < request.payload.length; at += 16) {
      const length = view.getInt32(at + 4);
      const offset = Number(view.getBigInt64(at + 8));
      const head = request.payload.slice(at, at + 16);
      parts.push(head, bytes.slice(offset, offset + length));
    }
    data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) data.set(p, (at += p.length) - p.length);
  }
  const frames: Uint8Array[] = [];
  for (let at = 0; at < data.length; at += frameBytes) {
    const end = Math.min(data.length, at + frameBytes);
    frames.push(frame(request.stream, end < data.length ? 4000 : 0, data.slice(at, end)));
  }
  if (frames.length === 0) frames.push(frame(request.stream, 0));
  return frames;
}

/** A running fake server. */
export interface FakeServer {
  readonly port: number;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/** Starts a fake server on 127.0.0.1 (a free port). */
export function serveFake(
  handler: (request: FakeRequest) => FakeAction | Promise<FakeAction>,
): FakeServer {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const conns = new Set<Deno.Conn>();
  const loops: Promise<void>[] = [];
  let accepted = 0;
  let closing = false;
  const serveConn = async (conn: Deno.Conn, index: number) => {
    let buffer = new Uint8Array(0);
    let handshaken = false;
    const chunk = new Uint8Array(65536);
    const write = async (bytes: Uint8Array) => {
      let done = 0;
      while (done < bytes.length) done += await conn.write(bytes.subarray(done));
    };
    try {
      while (true) {
        const n = await conn.read(chunk);
        if (n === null) break;
        const grown = new Uint8Array(buffer.length + n);
        grown.set(buffer);
        grown.set(chunk.subarray(0, n), buffer.length);
        buffer = grown;
        if (!handshaken) {
          if (buffer.length < 20) continue;
          buffer = buffer.slice(20);
          handshaken = true;
          const hs = new Uint8Array(8);
          new DataView(hs.buffer).setInt32(0, 0x520);
          new DataView(hs.buffer).setInt32(4, 1);
          await write(frame(0, 0, hs));
        }
        while (buffer.length >= 24) {
          const header = new DataView(buffer.buffer, buffer.byteOffset, 24);
          const dlen = header.getInt32(20);
          if (buffer.length < 24 + dlen) break;
          const request: FakeRequest = {
            stream: header.getUint16(0),
            code: header.getUint16(2),
            header: new DataView(buffer.slice(0, 24).buffer),
            payload: buffer.slice(24, 24 + dlen),
            connection: index,
            port,
          };
          buffer = buffer.slice(24 + dlen);
          if (request.code === 3006) {
            await write(frame(request.stream, 0, new Uint8Array(8)));
          } else if (request.code === 3007) {
            await write(frame(request.stream, 0, new Uint8Array(16)));
          } else {
            const action = await handler(request);
            for (const f of action.frames) {
              if (action.delayMs) await new Promise((r) => setTimeout(r, action.delayMs));
              await write(f);
            }
            if (action.close) {
              conn.close();
              conns.delete(conn);
              return;
            }
          }
        }
      }
    } catch {
      // the client went away
    }
    if (conns.delete(conn)) conn.close();
  };
  const acceptLoop = (async () => {
    try {
      for await (const conn of listener) {
        if (closing) {
          conn.close();
          break;
        }
        conns.add(conn);
        loops.push(serveConn(conn, accepted++));
      }
    } catch {
      // listener closed
    }
  })();
  return {
    port,
    connections: () => accepted,
    async close() {
      closing = true;
      listener.close();
      for (const conn of conns) conn.close();
      conns.clear();
      await acceptLoop;
      await Promise.all(loops);
    },
  };
}
