/**
 * brilcalc output (`brilcalc lumi --byls ... -o file.csv`) and the integrated luminosity of a
 * set of lumi sections.
 * @module
 */
import { InputError } from "@ristretto/core/errors";
import type { LumiMask } from "./lumi_mask.ts";

/** An integrated-luminosity unit as brilcalc writes it (inverse barns). */
export type LumiUnit = "/fb" | "/pb" | "/nb" | "/ub";

/** How many /ub make one of each unit: 1 /pb = 1e6 /ub, 1 /fb = 1e9 /ub. */
const UB_PER_UNIT: Record<LumiUnit, number> = { "/ub": 1, "/nb": 1e3, "/pb": 1e6, "/fb": 1e9 };

/** The per-lumi-section columns of a brilcalc `--byls` CSV. */
export interface BrilcalcTable {
  /** Run number of each row. */
  readonly run: Uint32Array;
  /** Lumi section of each row (the first number of brilcalc's "a:b" ls field). */
  readonly luminosityBlock: Uint32Array;
  /** Delivered luminosity of each row, in `unit`. */
  readonly delivered: Float64Array;
  /** Recorded luminosity of each row, in `unit`. */
  readonly recorded: Float64Array;
  /** Unit of `delivered` and `recorded`, from the header (e.g. "recorded(/pb)"). */
  readonly unit: LumiUnit;
}

/** Options of {@link parseBrilcalcCsv}. */
export interface BrilcalcParseOptions {
  /** Read only the first N data rows (comment lines do not count). */
  firstRows?: number;
  /** Unit of the values when the file has no header line naming it. */
  fileUnit?: LumiUnit;
  /** File name for error messages. */
  source?: string;
}

/**
 * Parses a brilcalc `--byls` CSV into typed columns.
 *
 * Lines starting with '#' are comments, except the first one naming "run:fill", which is the
 * header: column positions and the unit ("delivered(/pb)", "recorded(/ub)", ...) are read
 * from it. Without a header, brilcalc's column order (run:fill, ls, time, beamstatus, E(GeV),
 * delivered, recorded, ...) and `fileUnit` are assumed. The "ls" field is "a:b" (the lumi
 * section and CMS's own number of it, 0 when CMS was not taking data); like coffea's LumiData
 * the first number is used, and such rows have zero recorded luminosity anyway.
 */
export function parseBrilcalcCsv(text: string, options: BrilcalcParseOptions = {}): BrilcalcTable {
  const source = options.source ?? "<brilcalc CSV>";
  const limit = options.firstRows ?? Infinity;
  if (!(limit >= 0)) {
    throw new RangeError(`Cannot read brilcalc CSV "${source}": firstRows must be >= 0`);
  }
  let columns = { run: 0, ls: 1, delivered: 5, recorded: 6 };
  let unit: LumiUnit | undefined = options.fileUnit;
  let sawHeader = false;
  const run: number[] = [];
  const lumi: number[] = [];
  const delivered: number[] = [];
  const recorded: number[] = [];
  const lines = text.split(/\r?\n/);
  for (let lineIndex = 0; lineIndex < lines.length && run.length < limit; lineIndex++) {
    const line = lines[lineIndex].trim();
    if (line === "") continue;
    const fail = (reason: string): never => {
      throw new InputError(
        "BRILCALC_BAD_CSV",
        `Cannot read brilcalc CSV "${source}": line ${lineIndex + 1} (${line}): ${reason}`,
      );
    };
    if (line.startsWith("#")) {
      if (!sawHeader && /^#\s*run:fill\s*,/.test(line)) {
        sawHeader = true;
        const names = line.slice(1).split(",").map((name) => name.trim());
        const find = (prefix: string): number => {
          const index = names.findIndex((name) => name === prefix || name.startsWith(prefix + "("));
          if (index < 0) fail(`header has no "${prefix}" column`);
          return index;
        };
        columns = {
          run: find("run:fill"),
          ls: find("ls"),
          delivered: find("delivered"),
          recorded: find("recorded"),
        };
        const match = /^recorded\((\/[a-z]+)\)$/.exec(names[columns.recorded]);
        if (!match || !(match[1] in UB_PER_UNIT)) {
          fail(
            `cannot tell the unit from "${names[columns.recorded]}" (expected e.g. recorded(/pb))`,
          );
        }
        unit = match![1] as LumiUnit;
      }
      continue;
    }
    const fields = line.split(",");
    const needed = Math.max(columns.run, columns.ls, columns.delivered, columns.recorded);
    if (fields.length <= needed) fail(`expected at least ${needed + 1} fields`);
    const runNumber = leadingInteger(fields[columns.run]);
    const lumiSection = leadingInteger(fields[columns.ls]);
    if (runNumber === undefined) fail(`run "${fields[columns.run]}" is not "run:fill"`);
    if (lumiSection === undefined) fail(`ls "${fields[columns.ls]}" is not "ls:cmsls"`);
    const deliveredValue = Number(fields[columns.delivered]);
    const recordedValue = Number(fields[columns.recorded]);
    if (!Number.isFinite(deliveredValue) || !Number.isFinite(recordedValue)) {
      fail("delivered/recorded luminosity is not a number");
    }
    run.push(runNumber!);
    lumi.push(lumiSection!);
    delivered.push(deliveredValue);
    recorded.push(recordedValue);
  }
  if (unit === undefined) {
    throw new InputError(
      "BRILCALC_BAD_CSV",
      `Cannot read brilcalc CSV "${source}": no "#run:fill,ls,..." header naming the unit; ` +
        `pass fileUnit (brilcalc's default is /ub)`,
    );
  }
  return {
    run: Uint32Array.from(run),
    luminosityBlock: Uint32Array.from(lumi),
    delivered: Float64Array.from(delivered),
    recorded: Float64Array.from(recorded),
    unit,
  };
}

/** Options of {@link integratedLuminosity}. */
export interface IntegratedLuminosityOptions extends BrilcalcParseOptions {
  /** Count only the lumi sections this golden JSON certifies. */
  mask?: LumiMask;
  /** Unit of the result; default "/pb" (what coffea's LumiData gives for brilcalc -u /pb output). */
  unit?: LumiUnit;
}

/**
 * Recorded integrated luminosity of a brilcalc `--byls` CSV, in `options.unit` (default /pb).
 *
 * The values are converted from the unit the header names (1 /pb = 1e6 /ub = 1e-3 /fb), so a
 * file written with `-u /ub` and one written with `-u /pb` give the same answer. With `mask`,
 * only certified (run, ls) rows count; `firstRows` limits the rows read before masking. A
 * (run, ls) listed twice counts once, as in coffea's LumiData.
 *
 * Units, checked on coffea's tests/samples/lumi_small.csv: its header reads "recorded(/pb)"
 * (brilcalc was run with `-u /pb`), and the first 10 rows sum to 1.539941814 as written, the
 * value coffea's LumiData reports (it sums the column without converting). So that number
 * is in /pb, and no 1e-6 factor applies; the factor 1e-6 is for brilcalc's /ub output,
 * which this function converts by itself from the header.
 *
 * @example
 * ```ts
 * import { integratedLuminosity } from "./brilcalc.ts";
 * const csv = "#run:fill,ls,time,beamstatus,E(GeV),delivered(/ub),recorded(/ub)\n" +
 *   "1:1,1:1,t,STABLE BEAMS,6500,2000000,1500000\n";
 * if (integratedLuminosity(csv) !== 1.5) throw new Error();
 * ```
 */
export function integratedLuminosity(
  csvText: string,
  options: IntegratedLuminosityOptions = {},
): number {
  const table = parseBrilcalcCsv(csvText, options);
  const pass = options.mask?.apply(table.run, table.luminosityBlock);
  const seen = new Set<number>();
  // Neumaier summation: a year is ~10^5 lumi sections of comparable size.
  let sum = 0;
  let compensation = 0;
  for (let i = 0; i < table.recorded.length; i++) {
    if (pass !== undefined && pass[i] === 0) continue;
    const key = table.run[i] * 2 ** 32 + table.luminosityBlock[i];
    if (seen.has(key)) continue;
    seen.add(key);
    const value = table.recorded[i];
    const total = sum + value;
    compensation += Math.abs(sum) >= Math.abs(value)
      ? (sum - total) + value
      : (value - total) + sum;
    sum = total;
  }
  return convertLuminosity(sum + compensation, { from: table.unit, to: options.unit ?? "/pb" });
}

/**
 * Converts an integrated luminosity between units:
 * `convertLuminosity(1, { from: "/fb", to: "/pb" }) === 1000`.
 */
export function convertLuminosity(value: number, units: { from: LumiUnit; to: LumiUnit }): number {
  const { from, to } = units;
  if (!(from in UB_PER_UNIT) || !(to in UB_PER_UNIT)) {
    throw new InputError(
      "LUMI_BAD_UNIT",
      `Cannot convert luminosity from "${from}" to "${to}": units are ${
        Object.keys(UB_PER_UNIT).join(", ")
      }`,
    );
  }
  return from === to ? value : (value * UB_PER_UNIT[from]) / UB_PER_UNIT[to];
}

/** The integer before the first ':' of "297050:5839" or "12:12", or undefined. */
function leadingInteger(field: string): number | undefined {
  const text = field.trim();
  const colon = text.indexOf(":");
  const head = colon < 0 ? text : text.slice(0, colon);
  if (!/^[0-9]+$/.test(head)) return undefined;
  return Number(head);
}
