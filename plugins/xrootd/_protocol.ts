/**
 * XRootD wire-protocol constants and request encoders (all integers big-endian). Only what the
 * client needs: handshake, protocol, login, open, stat, read, readv, close.
 * @module
 */

/** Request codes. */
export const REQUEST = {
  close: 3003,
  login: 3007,
  open: 3010,
  protocol: 3006,
  read: 3013,
  readv: 3025,
  stat: 3017,
} as const;

/** Names of the request codes, for error messages. */
export const REQUEST_NAME: Record<number, string> = {
  3003: "kXR_close",
  3006: "kXR_protocol",
  3007: "kXR_login",
  3010: "kXR_open",
  3013: "kXR_read",
  3017: "kXR_stat",
  3025: "kXR_readv",
};

/** Response status codes. */
export const STATUS = {
  ok: 0,
  oksofar: 4000,
  attn: 4001,
  authmore: 4002,
  error: 4003,
  redirect: 4004,
  wait: 4005,
  waitresp: 4006,
} as const;

/** kXR_attn action carrying the deferred answer of a kXR_waitresp. */
export const ATTN_ASYNRESP = 5008;

/** kXR_open options: open for reading, and return the file's stat in the answer. */
export const OPEN_READ = 0x0010;
export const OPEN_RETSTAT = 0x0400;

/** Protocol version this client speaks (5.2.0), sent in kXR_protocol. */
export const PROTOCOL_VERSION = 0x00000520;

/** Login capability version (kXR_ver005), without kXR_asyncap. */
export const CAPVER = 5;

/** Vector reads: at most this many items per kXR_readv, each at most this long. */
export const READV_MAX_ITEMS = 1024;
export const READV_MAX_ITEM_BYTES = 2097136;

/** Error numbers worth naming (kXR_NotFound etc.). */
export const ERROR_NAME: Record<number, string> = {
  3000: "kXR_ArgInvalid",
  3001: "kXR_ArgMissing",
  3002: "kXR_ArgTooLong",
  3003: "kXR_FileLocked",
  3004: "kXR_FileNotOpen",
  3005: "kXR_FSError",
  3006: "kXR_InvalidRequest",
  3007: "kXR_IOError",
  3008: "kXR_NoMemory",
  3009: "kXR_NoSpace",
  3010: "kXR_NotAuthorized",
  3011: "kXR_NotFound",
  3012: "kXR_ServerError",
  3013: "kXR_Unsupported",
  3014: "kXR_noserver",
  3015: "kXR_NotFile",
  3016: "kXR_isDirectory",
  3017: "kXR_Cancelled",
  3018: "kXR_ItExists",
  3019: "kXR_ChkSumErr",
  3020: "kXR_inProgress",
  3021: "kXR_overQuota",
  3022: "kXR_SigVerErr",
  3023: "kXR_DecryptErr",
  3024: "kXR_Overloaded",
  3025: "kXR_fsReadOnly",
  3026: "kXR_BadPayload",
  3027: "kXR_AttrNotFound",
  3028: "kXR_TLSRequired",
  3029: "kXR_noReplicas",
  3030: "kXR_AuthFailed",
  3031: "kXR_Impossible",
  3032: "kXR_Conflict",
  3033: "kXR_TooManyErrs",
  3034: "kXR_ReqTimedOut",
  3035: "kXR_TimerExpired",
};

const _encoder = new TextEncoder();

/** A 24-byte request header plus payload; `fill` writes the 16 parameter bytes. */
export function encodeRequest(
  streamId: number,
  request: number,
  fill: (view: DataView) => void,
  payload: Uint8Array = new Uint8Array(0),
): Uint8Array {
  const bytes = new Uint8Array(24 + payload.length);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, streamId);
  view.setUint16(2, request);
  fill(view);
  view.setInt32(20, payload.length);
  bytes.set(payload, 24);
  return bytes;
}

/** The 20-byte initial handshake (0, 0, 0, 4, 2012). */
export function encodeHandshake(): Uint8Array {
  const bytes = new Uint8Array(20);
  const view = new DataView(bytes.buffer);
  view.setInt32(12, 4);
  view.setInt32(16, 2012);
  return bytes;
}

/** kXR_protocol: our protocol version, no TLS, no security requirements asked. */
export function encodeProtocol(streamId: number): Uint8Array {
  return encodeRequest(streamId, REQUEST.protocol, (v) => v.setInt32(4, PROTOCOL_VERSION));
}

/** kXR_login with a process id and an 8-byte user name. */
export function encodeLogin(streamId: number, pid: number, user: string): Uint8Array {
  return encodeRequest(streamId, REQUEST.login, (v) => {
    v.setInt32(4, pid);
    const name = _encoder.encode(user).subarray(0, 8);
    for (let i = 0; i < name.length; i++) v.setUint8(8 + i, name[i]);
    v.setUint8(18, CAPVER);
  });
}

/** kXR_open for reading with stat returned; `path` may carry `?opaque`. */
export function encodeOpen(streamId: number, path: string): Uint8Array {
  return encodeRequest(streamId, REQUEST.open, (v) => {
    v.setUint16(4, 0);
    v.setUint16(6, OPEN_READ | OPEN_RETSTAT);
  }, _encoder.encode(path));
}

/** kXR_stat by path. */
export function encodeStat(streamId: number, path: string): Uint8Array {
  return encodeRequest(streamId, REQUEST.stat, () => {}, _encoder.encode(path));
}

/** kXR_read of `length` bytes at `offset` of an open file. */
export function encodeRead(
  streamId: number,
  handle: Uint8Array,
  offset: number,
  length: number,
): Uint8Array {
  return encodeRequest(streamId, REQUEST.read, (v) => {
    for (let i = 0; i < 4; i++) v.setUint8(4 + i, handle[i]);
    v.setBigInt64(8, BigInt(offset));
    v.setInt32(16, length);
  });
}

/** kXR_readv: items of {fhandle, rlen, offset}, 16 bytes each. */
export function encodeReadv(
  streamId: number,
  handle: Uint8Array,
  ranges: readonly { offset: number; length: number }[],
): Uint8Array {
  const payload = new Uint8Array(16 * ranges.length);
  const view = new DataView(payload.buffer);
  ranges.forEach((range, i) => {
    payload.set(handle.subarray(0, 4), 16 * i);
    view.setInt32(16 * i + 4, range.length);
    view.setBigInt64(16 * i + 8, BigInt(range.offset));
  });
  return encodeRequest(streamId, REQUEST.readv, () => {}, payload);
}

/** kXR_close of an open file. */
export function encodeClose(streamId: number, handle: Uint8Array): Uint8Array {
  return encodeRequest(streamId, REQUEST.close, (v) => {
    for (let i = 0; i < 4; i++) v.setUint8(4 + i, handle[i]);
  });
}

/** The NUL-terminated (or whole) text of a response body from `start`. */
export function bodyText(body: Uint8Array, start = 0): string {
  let end = body.indexOf(0, start);
  if (end < 0) end = body.length;
  return new TextDecoder().decode(body.subarray(start, end));
}

/** Parses a stat answer "id size flags modtime". */
export function parseStat(text: string): { size: number; flags: number; mtime: number } {
  const parts = text.trim().split(/\s+/);
  const size = Number(parts[1]);
  if (parts.length < 4 || !Number.isFinite(size)) {
    throw new Error(`malformed stat answer "${text}"`);
  }
  return { size, flags: Number(parts[2]), mtime: Number(parts[3]) };
}
