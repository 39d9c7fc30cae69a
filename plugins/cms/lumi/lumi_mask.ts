/**
 * CMS golden JSON lumi masks: which (run, luminosity block) pairs are certified for physics.
 * @module
 */
import { InputError } from "@ristretto/core/errors";

/** The largest value a NanoAOD `run` or `luminosityBlock` (UInt32) can hold. */
const MAX_UINT32 = 0xffffffff;

/** Any column of run or lumi numbers: a NanoAOD UInt32 branch, another integer TypedArray, or a plain array. */
export type RunLumiColumn = ArrayLike<number>;

/**
 * A certified-luminosity mask, built once from a CMS golden JSON
 * (`{"<run>": [[firstLumi, lastLumi], ...]}`, both ends inclusive) and applied to whole columns.
 *
 * Internally the runs are one sorted Uint32Array; each run owns a slice of two flat arrays of
 * range starts and ends (sorted, overlapping or touching ranges merged), so `apply` is two
 * binary searches per event and allocates nothing but its output.
 *
 * @example
 * ```ts
 * import { LumiMask } from "./lumi_mask.ts";
 * const mask = LumiMask.fromObject({ "303825": [[1, 200]] });
 * const pass = mask.apply(Uint32Array.of(303825, 123), Uint32Array.of(115, 123));
 * if (pass[0] !== 1 || pass[1] !== 0) throw new Error();
 * ```
 */
export class LumiMask {
  /** Where the mask came from (file name or a label), for messages. */
  readonly source: string;
  /** Certified runs, sorted ascending, without duplicates. */
  readonly runs: Uint32Array;
  /** Run `runs[i]` owns ranges `rangeOffsets[i] .. rangeOffsets[i+1]` of the range arrays. */
  readonly rangeOffsets: Int32Array;
  /** First certified lumi of each range (inclusive), sorted within a run. */
  readonly firstLumis: Uint32Array;
  /** Last certified lumi of each range (inclusive). */
  readonly lastLumis: Uint32Array;

  private constructor(
    source: string,
    runs: Uint32Array,
    rangeOffsets: Int32Array,
    firstLumis: Uint32Array,
    lastLumis: Uint32Array,
  ) {
    this.source = source;
    this.runs = runs;
    this.rangeOffsets = rangeOffsets;
    this.firstLumis = firstLumis;
    this.lastLumis = lastLumis;
  }

  /** Reads and validates a golden JSON file. Throws InputError naming the file on bad content. */
  static async fromFile(path: string): Promise<LumiMask> {
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch (error) {
      throw new InputError(
        "LUMI_MASK_UNREADABLE",
        `Cannot read lumi mask "${path}": ${(error as Error).message}`,
        { cause: error },
      );
    }
    return LumiMask.fromText(text, { source: path });
  }

  /** Parses golden JSON text; `source` names it in error messages. */
  static fromText(text: string, options: { source?: string } = {}): LumiMask {
    const source = options.source ?? "<golden JSON text>";
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new InputError(
        "LUMI_MASK_BAD_JSON",
        `Cannot load lumi mask "${source}": not valid JSON (${(error as Error).message})`,
        { cause: error },
      );
    }
    return LumiMask.fromObject(parsed, { source });
  }

  /**
   * Builds a mask from an already parsed golden JSON object, validating every run key and range.
   * Overlapping or adjacent ranges of one run are merged (as CMS LumiList does).
   */
  static fromObject(golden: unknown, options: { source?: string } = {}): LumiMask {
    const source = options.source ?? "<golden JSON object>";
    const fail = (reason: string): never => {
      throw new InputError("LUMI_MASK_BAD_JSON", `Cannot load lumi mask "${source}": ${reason}`);
    };
    if (typeof golden !== "object" || golden === null || Array.isArray(golden)) {
      fail(`expected an object {"<run>": [[firstLumi, lastLumi], ...]}, got ${describe(golden)}`);
    }
    const entries: { run: number; ranges: number[][] }[] = [];
    for (const [key, value] of Object.entries(golden as Record<string, unknown>)) {
      // Run keys are decimal integers; "1e5" or "0x10" would parse as numbers but are not runs.
      if (!/^[0-9]+$/.test(key) || Number(key) > MAX_UINT32) {
        fail(`run key "${key}" is not a non-negative 32-bit integer`);
      }
      const run = Number(key);
      if (!Array.isArray(value)) {
        fail(`run ${key}: expected a list of [firstLumi, lastLumi] ranges, got ${describe(value)}`);
      }
      const ranges: number[][] = [];
      (value as unknown[]).forEach((range, index) => {
        const where = `run ${key}, range ${index} (${JSON.stringify(range)})`;
        if (!Array.isArray(range) || range.length !== 2) {
          fail(`${where}: expected [firstLumi, lastLumi]`);
        }
        const [first, last] = range as unknown[];
        for (const lumi of [first, last]) {
          if (
            typeof lumi !== "number" || !Number.isInteger(lumi) || lumi < 0 || lumi > MAX_UINT32
          ) {
            fail(`${where}: lumi ${JSON.stringify(lumi)} is not a non-negative 32-bit integer`);
          }
        }
        if ((first as number) > (last as number)) {
          fail(`${where}: first lumi ${first} is after last lumi ${last}`);
        }
        ranges.push([first as number, last as number]);
      });
      entries.push({ run, ranges });
    }
    // Two keys can name the same run ("7" and "07"): their ranges are combined.
    entries.sort((a, b) => a.run - b.run);
    const runs: number[] = [];
    const offsets: number[] = [0];
    const firsts: number[] = [];
    const lasts: number[] = [];
    for (let i = 0; i < entries.length; i++) {
      const ranges = entries[i].ranges;
      while (i + 1 < entries.length && entries[i + 1].run === entries[i].run) {
        ranges.push(...entries[++i].ranges);
      }
      ranges.sort((a, b) => a[0] - b[0]);
      runs.push(entries[i].run);
      for (const [first, last] of ranges) {
        const previous = firsts.length - 1;
        // Merge with the previous range of this run when they overlap or touch.
        if (firsts.length > offsets[offsets.length - 1] && first <= lasts[previous] + 1) {
          if (last > lasts[previous]) lasts[previous] = last;
        } else {
          firsts.push(first);
          lasts.push(last);
        }
      }
      offsets.push(firsts.length);
    }
    return new LumiMask(
      source,
      Uint32Array.from(runs),
      Int32Array.from(offsets),
      Uint32Array.from(firsts),
      Uint32Array.from(lasts),
    );
  }

  /**
   * For each event, 1 when (runs[i], lumis[i]) is certified, else 0.
   *
   * Works on any integer columns (UInt32 NanoAOD branches, Int32, plain arrays); negative or
   * non-integer values are never certified. Consecutive events usually share a run, so the run
   * lookup is skipped when the run repeats.
   */
  apply(runs: RunLumiColumn, lumis: RunLumiColumn): Uint8Array {
    if (runs.length !== lumis.length) {
      throw new RangeError(
        `Cannot apply lumi mask "${this.source}": ${runs.length} runs but ${lumis.length} lumis`,
      );
    }
    const out = new Uint8Array(runs.length);
    const certifiedRuns = this.runs;
    const offsets = this.rangeOffsets;
    const firsts = this.firstLumis;
    const lasts = this.lastLumis;
    let cachedRun = -1;
    let begin = 0; // ranges of the cached run: [begin, end)
    let end = 0;
    for (let i = 0; i < runs.length; i++) {
      const run = runs[i];
      if (run !== cachedRun) {
        cachedRun = run;
        const index = lowerBound(certifiedRuns, run, 0, certifiedRuns.length);
        if (index < certifiedRuns.length && certifiedRuns[index] === run) {
          begin = offsets[index];
          end = offsets[index + 1];
        } else {
          begin = end = 0;
        }
      }
      if (begin === end) continue;
      const lumi = lumis[i];
      // The last range starting at or before `lumi` is the only one that can contain it.
      const after = upperBound(firsts, lumi, begin, end);
      if (after > begin && lumi <= lasts[after - 1] && Number.isInteger(lumi)) out[i] = 1;
    }
    return out;
  }

  /** True when one (run, lumi) pair is certified. */
  contains(run: number, lumi: number): boolean {
    return this.apply([run], [lumi])[0] === 1;
  }

  /** Number of certified lumi sections (sum of range lengths). */
  get lumiSectionCount(): number {
    let total = 0;
    for (let i = 0; i < this.firstLumis.length; i++) {
      total += this.lastLumis[i] - this.firstLumis[i] + 1;
    }
    return total;
  }

  /** The mask as golden JSON object (sorted runs, merged ranges). */
  toJSON(): Record<string, [number, number][]> {
    const out: Record<string, [number, number][]> = {};
    for (let r = 0; r < this.runs.length; r++) {
      const ranges: [number, number][] = [];
      for (let k = this.rangeOffsets[r]; k < this.rangeOffsets[r + 1]; k++) {
        ranges.push([this.firstLumis[k], this.lastLumis[k]]);
      }
      out[String(this.runs[r])] = ranges;
    }
    return out;
  }

  /**
   * A short digest of the certified pairs (FNV-1a over the canonical ranges), for work-item
   * hashes: two files certifying the same lumis give the same key whatever their formatting.
   */
  cacheKey(): string {
    let hash = 0x811c9dc5;
    const mix = (value: number) => {
      for (let shift = 0; shift < 32; shift += 8) {
        hash ^= (value >>> shift) & 0xff;
        hash = Math.imul(hash, 0x01000193);
      }
    };
    for (let r = 0; r < this.runs.length; r++) {
      mix(this.runs[r]);
      for (let k = this.rangeOffsets[r]; k < this.rangeOffsets[r + 1]; k++) {
        mix(this.firstLumis[k]);
        mix(this.lastLumis[k]);
      }
      mix(0xffffffff);
    }
    return `lumimask-${(hash >>> 0).toString(16).padStart(8, "0")}-${this.runs.length}`;
  }
}

/** Loads a golden JSON file into a LumiMask (same as `LumiMask.fromFile`). */
export function loadLumiMask(path: string): Promise<LumiMask> {
  return LumiMask.fromFile(path);
}

/** First index in [begin, end) whose value is >= `value`. */
function lowerBound(sorted: Uint32Array, value: number, begin: number, end: number): number {
  let low = begin;
  let high = end;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** First index in [begin, end) whose value is > `value`. */
function upperBound(sorted: Uint32Array, value: number, begin: number, end: number): number {
  let low = begin;
  let high = end;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : `${typeof value} ${JSON.stringify(value)}`;
}
