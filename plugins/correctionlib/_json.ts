/**
 * JSON exactly as C++ correctionlib reads it. correctionlib parses files with rapidjson in its
 * default "normal precision" mode, which does not round every decimal correctly: a value such
 * as 0.9581092865235579 in a muon scale-factor file becomes 0.958109286523558 (one unit in the
 * last place away), and that is the number correctionlib returns. To give the same numbers,
 * this parser converts numbers with the same arithmetic (significand accumulated in a 64-bit
 * integer up to 2^53, further digits in double arithmetic up to 17 significant digits, then one
 * multiplication or division by a power of ten). It also accepts NaN, Inf and Infinity, as
 * rapidjson does with kParseNanAndInfFlag.
 * @module
 */

const POW10: Float64Array = Float64Array.from({ length: 309 }, (_v, k) => Number(`1e${k}`));
const MAX_SAFE = 9007199254740991; // 2^53 - 1: rapidjson's limit for the exact fraction path
const UINT64_LIMIT = 0x1999999999999999n; // above this, ten times more overflows uint64
const INT64_LIMIT = 0x0cccccccccccccccn;

function fastPath(significand: number, exp: number): number {
  if (exp < -308) return 0;
  if (exp >= 0) return significand * POW10[exp];
  return significand / POW10[-exp];
}

/** rapidjson's StrtodNormalPrecision. */
function normalPrecision(d: number, p: number): number {
  if (p < -308) return fastPath(fastPath(d, -308), p + 308);
  return fastPath(d, p);
}

class JsonSyntaxError extends Error {}

class Parser {
  pos = 0;
  constructor(readonly text: string) {}

  fail(message: string): never {
    const before = this.text.slice(0, this.pos);
    const line = before.split("\n").length;
    const column = this.pos - before.lastIndexOf("\n");
    throw new JsonSyntaxError(`${message} at line ${line} column ${column}`);
  }

  space(): void {
    const text = this.text;
    let pos = this.pos;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 32 || c === 10 || c === 13 || c === 9) pos++;
      else break;
    }
    this.pos = pos;
  }

  value(): unknown {
    this.space();
    const c = this.text.charCodeAt(this.pos);
    if (c === 123) return this.object();
    if (c === 91) return this.array();
    if (c === 34) return this.string();
    if (c === 45 || (c >= 48 && c <= 57) || c === 73 || c === 78) return this.number();
    if (this.text.startsWith("true", this.pos)) {
      this.pos += 4;
      return true;
    }
    if (this.text.startsWith("false", this.pos)) {
      this.pos += 5;
      return false;
    }
    if (this.text.startsWith("null", this.pos)) {
      this.pos += 4;
      return null;
    }
    this.fail(Number.isNaN(c) ? "unexpected end of JSON" : `unexpected "${this.text[this.pos]}"`);
  }

  object(): Record<string, unknown> {
    this.pos++;
    const result: Record<string, unknown> = {};
    this.space();
    if (this.text.charCodeAt(this.pos) === 125) {
      this.pos++;
      return result;
    }
    for (;;) {
      this.space();
      if (this.text.charCodeAt(this.pos) !== 34) this.fail("expected a string key");
      const key = this.string();
      this.space();
      if (this.text.charCodeAt(this.pos) !== 58) this.fail('expected ":"');
      this.pos++;
      const value = this.value();
      // "__proto__" must stay an own key, as JSON.parse keeps it
      if (key === "__proto__") {
        Object.defineProperty(result, key, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else result[key] = value;
      this.space();
      const c = this.text.charCodeAt(this.pos++);
      if (c === 125) return result;
      if (c !== 44) {
        this.pos--;
        this.fail('expected "," or "}"');
      }
    }
  }

  array(): unknown[] {
    this.pos++;
    const result: unknown[] = [];
    this.space();
    if (this.text.charCodeAt(this.pos) === 93) {
      this.pos++;
      return result;
    }
    for (;;) {
      result.push(this.value());
      this.space();
      const c = this.text.charCodeAt(this.pos++);
      if (c === 93) return result;
      if (c !== 44) {
        this.pos--;
        this.fail('expected "," or "]"');
      }
    }
  }

  string(): string {
    const text = this.text;
    const start = ++this.pos;
    let pos = start;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 34) {
        this.pos = pos + 1;
        return text.slice(start, pos);
      }
      if (c === 92) break;
      if (Number.isNaN(c)) this.fail("unterminated string");
      pos++;
    }
    // escapes present: decode the rest piece by piece
    let result = text.slice(start, pos);
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 34) {
        this.pos = pos + 1;
        return result;
      }
      if (Number.isNaN(c)) {
        this.pos = pos;
        this.fail("unterminated string");
      }
      if (c !== 92) {
        result += text[pos++];
        continue;
      }
      const e = text[pos + 1];
      pos += 2;
      switch (e) {
        case '"':
        case "\\":
        case "/":
          result += e;
          break;
        case "b":
          result += "\b";
          break;
        case "f":
          result += "\f";
          break;
        case "n":
          result += "\n";
          break;
        case "r":
          result += "\r";
          break;
        case "t":
          result += "\t";
          break;
        case "u": {
          const hex = text.slice(pos, pos + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
            this.pos = pos;
            this.fail("bad \\u escape");
          }
          result += String.fromCharCode(parseInt(hex, 16));
          pos += 4;
          break;
        }
        default:
          this.pos = pos - 2;
          this.fail("bad escape");
      }
    }
  }

  digitsFrom(pos: number): number {
    const text = this.text;
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c < 48 || c > 57) break;
      pos++;
    }
    return pos;
  }

  /** A number, converted as rapidjson's ParseNumber does in normal-precision mode. */
  number(): number {
    const text = this.text;
    let pos = this.pos;
    const minus = text.charCodeAt(pos) === 45;
    if (minus) pos++;
    const first = text.charCodeAt(pos);
    const nonFinite = first === 78 || first === 73
      ? /^(?:NaN|Infinity|Inf)/.exec(text.slice(pos, pos + 8))
      : null;
    if (nonFinite) {
      this.pos = pos + nonFinite[0].length;
      if (nonFinite[0] === "NaN") return NaN;
      return minus ? -Infinity : Infinity;
    }
    const intStart = pos;
    if (text.charCodeAt(pos) === 48) pos++; // a leading 0 is the whole integer part
    else pos = this.digitsFrom(pos);
    if (pos === intStart) {
      this.pos = pos;
      this.fail("expected a digit");
    }
    const intEnd = pos;

    // integer part: exact while it fits uint64 (int64 for negatives)
    let useDouble = false;
    let d = 0;
    let significant = intEnd - intStart - 1; // rapidjson does not count the first digit
    let integer: number | bigint;
    if (intEnd - intStart <= 15) {
      integer = 0;
      for (let k = intStart; k < intEnd; k++) integer = integer * 10 + text.charCodeAt(k) - 48;
    } else {
      let big = BigInt(text.charCodeAt(intStart) - 48);
      significant = 0;
      const limit = minus ? INT64_LIMIT : UINT64_LIMIT;
      const lastDigit = minus ? 56 : 53; // '8' or '5'
      let k = intStart + 1;
      for (; k < intEnd; k++) {
        const c = text.charCodeAt(k);
        if (big >= limit && (big !== limit || c > lastDigit)) break;
        big = big * 10n + BigInt(c - 48);
        significant++;
      }
      integer = big;
      if (k < intEnd) {
        useDouble = true;
        d = Number(big);
        for (; k < intEnd; k++) d = d * 10 + (text.charCodeAt(k) - 48);
      }
    }

    let expFrac = 0;
    if (text.charCodeAt(pos) === 46) { // fraction
      pos++;
      const fracStart = pos;
      const fracEnd = this.digitsFrom(pos);
      if (fracEnd === fracStart) {
        this.pos = pos;
        this.fail("expected a digit after the decimal point");
      }
      let k = fracStart;
      if (!useDouble) {
        // the significand goes on in a 64-bit integer while it is at most 2^53 - 1
        let i64: number | bigint = integer;
        for (; k < fracEnd; k++) {
          if (i64 > MAX_SAFE) break;
          const digit = text.charCodeAt(k) - 48;
          if ((i64 as number) >= 900719925474099) { // ten times more may pass 2^53: be exact
            i64 = BigInt(i64) * 10n + BigInt(digit);
          } else i64 = (i64 as number) * 10 + digit;
          expFrac--;
          if (i64 != 0) significant++;
        }
        d = Number(i64); // rounds to nearest, ties to even, as the C++ conversion does
        useDouble = true;
      }
      for (; k < fracEnd; k++) {
        if (significant < 17) {
          d = d * 10 + (text.charCodeAt(k) - 48);
          expFrac--;
          if (d > 0) significant++;
        }
      }
      pos = fracEnd;
    }

    let exp = 0;
    const e = text.charCodeAt(pos);
    if (e === 101 || e === 69) { // exponent
      pos++;
      if (!useDouble) {
        d = Number(integer);
        useDouble = true;
      }
      let expMinus = false;
      if (text.charCodeAt(pos) === 43) pos++;
      else if (text.charCodeAt(pos) === 45) {
        expMinus = true;
        pos++;
      }
      const expStart = pos;
      pos = this.digitsFrom(pos);
      if (pos === expStart) {
        this.pos = pos;
        this.fail("expected a digit in the exponent");
      }
      // beyond these the result is 0 or too big anyway
      exp = Math.min(Number(text.slice(expStart, pos)), 100000);
      if (!expMinus && exp > 308 - expFrac) {
        this.pos = intStart;
        this.fail("number too big");
      }
      if (expMinus) exp = -exp;
    }
    this.pos = pos;

    if (useDouble) {
      const value = normalPrecision(d, exp + expFrac);
      if (value > Number.MAX_VALUE) {
        this.pos = intStart;
        this.fail("number too big");
      }
      return minus ? -value : value;
    }
    // an integer: stored as int64/uint64 and converted to double when read (so -0 is 0)
    const value = Number(integer);
    return minus && value !== 0 ? -value : value;
  }
}

/**
 * Parses JSON text as correctionlib (rapidjson, normal precision, NaN and Inf allowed) does.
 * @throws SyntaxError with the line and column of the problem.
 */
export function parseCorrectionJson(text: string): unknown {
  const parser = new Parser(text);
  try {
    const value = parser.value();
    parser.space();
    if (parser.pos < text.length) parser.fail("unexpected text after the JSON value");
    return value;
  } catch (error) {
    if (error instanceof JsonSyntaxError) throw new SyntaxError(error.message);
    throw error;
  }
}
