import type { Cursor } from "./_cursor.ts";
import { rootError } from "./_fail.ts";

/** A TKey header: where an object lives and how big it is, compressed and not. */
export interface KeyHeader {
  readonly nbytes: number;
  readonly version: number;
  readonly objlen: number;
  readonly keylen: number;
  readonly cycle: number;
  readonly seekKey: number;
  readonly seekPdir: number;
  readonly className: string;
  readonly name: string;
  readonly title: string;
}

/** Reads a TKey header (32-bit seeks unless the key version is > 1000) and sanity-checks it. */
export function readKeyHeader(cursor: Cursor): KeyHeader {
  const start = cursor.pos;
  const nbytes = cursor.i32();
  const version = cursor.i16();
  const objlen = cursor.i32();
  cursor.skip(4); // fDatime
  const keylen = cursor.i16();
  const cycle = cursor.i16();
  const large = version > 1000;
  const seekKey = large ? cursor.i64() : cursor.i32();
  const seekPdir = large ? cursor.i64() : cursor.i32();
  const className = cursor.string();
  const name = cursor.string();
  const title = cursor.string();
  if (nbytes < keylen || keylen < cursor.pos - start || objlen < 0 || seekKey < 0) {
    throw rootError(
      "ROOT_BAD_OBJECT",
      "read key",
      cursor.context,
      `inconsistent TKey header at record offset ${start} (fNbytes ${nbytes}, fKeylen ${keylen}, ` +
        `fObjlen ${objlen}, fSeekKey ${seekKey})`,
    );
  }
  return { nbytes, version, objlen, keylen, cycle, seekKey, seekPdir, className, name, title };
}
