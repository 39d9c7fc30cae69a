/**
 * Contract suites of the plugins that deal with files: readers (a file the author supplies is
 * read branch by branch and range by range) and columns writers (a table is written and read
 * back through a reader).
 * @module
 */
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Column, NumericArray, NumericArrayConstructor } from "../columns/types.ts";
import { LEAF_ARRAYS } from "../columns/leaf_arrays.ts";
import { eventCount, isJagged } from "../columns/jagged.ts";
import { openByteSource } from "../io/open_byte_source.ts";
import type { BranchInfo, ByteSource, ColumnsWriter, OpenedFile, Reader } from "../plugin/types.ts";
import {
  checkIdentity,
  CheckList,
  type ContractReport,
  describe,
  expect,
  sameArray,
} from "./_contract_checks.ts";

export { LEAF_ARRAYS };

/** A file for the reader suite. */
export interface ReaderFixture {
  /** A file the reader understands: a local path or a URL. */
  readonly url: string;
  /** Opens the file's bytes; default core/io's `openByteSource` (local paths, HTTP). */
  readonly open?: (url: string) => Promise<ByteSource>;
  /** Branches read in full and by range; default every branch of every tree. */
  readonly branches?: readonly string[];
}

/** Joins column pieces of consecutive entry ranges into one column. */
function concatenate(pieces: readonly Column[]): Column {
  const first = pieces[0];
  if (!isJagged(first)) {
    const flat = pieces as NumericArray[];
    const out = new (first.constructor as NumericArrayConstructor)(
      flat.reduce((sum, piece) => sum + piece.length, 0),
    );
    let at = 0;
    for (const piece of flat) {
      (out as Uint8Array).set(piece as Uint8Array, at);
      at += piece.length;
    }
    return out;
  }
  const counts: number[] = [];
  const contents: NumericArray[] = [];
  for (const piece of pieces) {
    if (!isJagged(piece)) throw new Error("a range gave a flat column for a jagged branch");
    for (let i = 1; i < piece.offsets.length; i++) {
      counts.push(piece.offsets[i] - piece.offsets[i - 1]);
    }
    contents.push(
      piece.content.subarray(piece.offsets[0], piece.offsets[piece.offsets.length - 1]),
    );
  }
  const offsets = new Int32Array(counts.length + 1);
  for (let i = 0; i < counts.length; i++) offsets[i + 1] = offsets[i] + counts[i];
  return { offsets, content: concatenate(contents) as NumericArray };
}

function expectBranchColumn(
  column: Column | undefined,
  info: BranchInfo,
  entries: number,
  counter: Column | undefined,
): void {
  const type = LEAF_ARRAYS[info.type];
  if (info.counter === undefined) {
    expect(
      column instanceof type,
      `branch "${info.name}" (${info.type}) read as ${describe(column)}, expected ${type.name}`,
    );
    expect(
      column.length === entries,
      `branch "${info.name}" has ${column.length} values for ${entries} entries`,
    );
    return;
  }
  expect(
    isJagged(column) && column.content instanceof type,
    `jagged branch "${info.name}" (${info.type}) read as ${
      describe(column)
    }, expected jagged ${type.name}`,
  );
  const { offsets, content } = column;
  expect(
    offsets.length === entries + 1,
    `branch "${info.name}" has ${offsets.length} offsets for ${entries} entries`,
  );
  for (let i = 1; i < offsets.length; i++) {
    expect(offsets[i] >= offsets[i - 1], `branch "${info.name}": offsets decrease at entry ${i}`);
  }
  expect(
    offsets[0] >= 0 && offsets[entries] <= content.length,
    `branch "${info.name}": offsets reach past its ${content.length} values`,
  );
  if (counter !== undefined && !isJagged(counter)) {
    for (let i = 0; i < entries; i++) {
      expect(
        offsets[i + 1] - offsets[i] === Number(counter[i]),
        `branch "${info.name}" has ${offsets[i + 1] - offsets[i]} values at entry ${i}, ` +
          `its counter "${info.counter}" says ${counter[i]}`,
      );
    }
  }
}

const BATCH = 64;

/**
 * The reader suite: it recognises the fixture file and declines a text file; trees, entries
 * and branches are consistent (valid types, counters that exist); `read` of every branch gives
 * its declared type and one value (or one list, matching the counter) per entry; three entry
 * ranges concatenate to the whole; an unknown branch is an error; `close` works.
 */
export async function checkReaderConformance(
  plugin: Reader,
  fixture: ReaderFixture,
): Promise<ContractReport> {
  const checks = new CheckList();
  await checkIdentity(checks, plugin, "reader");
  const open = fixture.open ?? openByteSource;
  let source: ByteSource | undefined;
  let file: OpenedFile | undefined;
  try {
    await checks.check("recognises the fixture file", async () => {
      source = await open(fixture.url);
      const size = await source.size();
      const head = await source.read(0, Math.min(size, 64));
      expect(plugin.canRead(fixture.url, head), `canRead("${fixture.url}") is false`);
    });
    await checks.check("declines a file it does not understand", () => {
      const text = new TextEncoder().encode("run,event\n1,2\nnot a data file at all\n");
      expect(
        !plugin.canRead("conformance-not-data.txt", text),
        `canRead("conformance-not-data.txt") is true for a text file`,
      );
    });
    if (source === undefined) return checks.report(plugin);
    const opened = await checks.check("opens the fixture file", async () => {
      file = await plugin.open(source!);
    });
    if (!opened || file === undefined) return checks.report(plugin);
    const f = file;
    const trees: string[] = [];
    await checks.check("trees, entries and branches are consistent", () => {
      const names = f.trees();
      expect(Array.isArray(names) && names.length > 0, `trees() gave ${describe(names)}`);
      for (const tree of names) {
        const entries = f.entries(tree);
        expect(
          Number.isInteger(entries) && entries >= 0,
          `tree "${tree}" has ${entries} entries`,
        );
        const branches = f.branches(tree);
        const byName = new Map(branches.map((branch) => [branch.name, branch]));
        expect(byName.size === branches.length, `tree "${tree}" lists a branch twice`);
        for (const branch of branches) {
          expect(
            branch.type in LEAF_ARRAYS,
            `branch "${branch.name}" has type ${JSON.stringify(branch.type)}`,
          );
          if (branch.counter === undefined) continue;
          const counter = byName.get(branch.counter);
          expect(
            counter !== undefined && counter.counter === undefined,
            `branch "${branch.name}" names counter "${branch.counter}", which is not a flat branch of "${tree}"`,
          );
        }
        trees.push(tree);
      }
    });
    for (const tree of trees) {
      const entries = f.entries(tree);
      const infos = f.branches(tree).filter((branch) =>
        fixture.branches === undefined || fixture.branches.includes(branch.name)
      );
      const byName = new Map(f.branches(tree).map((branch) => [branch.name, branch]));
      const wanted = new Set(infos.map((branch) => branch.name));
      const whole = new Map<string, Column>();
      await checks.check(`tree "${tree}": every branch has its type and length`, async () => {
        expect(infos.length > 0, `no branch of "${tree}" to read`);
        for (let at = 0; at < infos.length; at += BATCH) {
          const batch = infos.slice(at, at + BATCH);
          const names = batch.map((branch) => branch.name);
          for (const branch of batch) {
            if (branch.counter && !names.includes(branch.counter)) names.push(branch.counter);
          }
          const columns = await f.read(tree, names);
          expect(columns instanceof Map, `read() gave ${describe(columns)}, expected a Map`);
          for (const name of names) {
            const info = byName.get(name)!;
            const column = columns.get(name);
            const counter = info.counter ? columns.get(info.counter) : undefined;
            expectBranchColumn(column, info, entries, counter);
            if (wanted.has(name)) whole.set(name, column!);
          }
        }
      });
      if (whole.size === 0) continue;
      await checks.check(
        `tree "${tree}": three entry ranges concatenate to the whole`,
        async () => {
          const cuts = [0, Math.floor(entries / 3), Math.floor((2 * entries) / 3), entries];
          const names = [...whole.keys()];
          const pieces = new Map<string, Column[]>(names.map((name) => [name, []]));
          for (let i = 0; i < 3; i++) {
            const range = { start: cuts[i], stop: cuts[i + 1] };
            const columns = await f.read(tree, names, range);
            for (const name of names) {
              const column = columns.get(name);
              expectBranchColumn(column, byName.get(name)!, range.stop - range.start, undefined);
              pieces.get(name)!.push(column!);
            }
          }
          for (const name of names) {
            const joined = concatenate(pieces.get(name)!);
            const full = whole.get(name)!;
            const same = isJagged(full)
              ? isJagged(joined) && sameArray(joined.offsets, rebased(full.offsets)) &&
                sameArray(
                  joined.content,
                  full.content.subarray(full.offsets[0], full.offsets.at(-1)),
                )
              : sameArray(joined as NumericArray, full);
            expect(same, `branch "${name}": the ranges [${cuts.join(", ")}] differ from the whole`);
          }
        },
      );
    }
    await checks.check("an unknown branch is an error", async () => {
      let threw = false;
      try {
        await f.read(trees[0] ?? "Events", ["conformance_no_such_branch"]);
      } catch {
        threw = true;
      }
      expect(threw, `read() of branch "conformance_no_such_branch" did not fail`);
    });
  } finally {
    if (file !== undefined) {
      const opened = file;
      await checks.check("closes the file", () => opened.close());
    }
    await source?.close();
  }
  return checks.report(plugin);
}

function rebased(offsets: Int32Array): Int32Array {
  return offsets.map((offset) => offset - offsets[0]);
}

/** What the columns writer suite writes and how it reads it back. */
export interface ColumnsWriterFixture {
  /** A reader of the writer's format, to read the written file back. */
  readonly reader: Reader;
  /** An empty scratch folder. */
  readonly dir: string;
  /** The table to write; default 1000 rows of float64, float32, int32, int64 and uint8. */
  readonly columns?: ReadonlyMap<string, Column>;
}

/** The default table of the columns writer suite: edge values included. */
export function defaultColumnsTable(rows = 1000): Map<string, Column> {
  const f64 = new Float64Array(rows);
  const f32 = new Float32Array(rows);
  const i32 = new Int32Array(rows);
  const i64 = new BigInt64Array(rows);
  const u8 = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    f64[i] = Math.sin(i) * 10 ** ((i % 13) - 6);
    f32[i] = i * 0.25 - 100;
    i32[i] = (i * 7919) % 65536 - 32768;
    i64[i] = BigInt(i) * 1234567891n - 9007199254740993n;
    u8[i] = i % 3 === 0 ? 1 : 0;
  }
  if (rows > 3) {
    f64[0] = -0;
    f64[1] = Number.MAX_VALUE;
    f64[2] = -Number.MIN_VALUE;
    i32[1] = 2147483647;
    i32[2] = -2147483648;
  }
  return new Map<string, Column>([
    ["weight", f64],
    ["leading_pt", f32],
    ["charge_product", i32],
    ["event", i64],
    ["passes", u8],
  ]);
}

/**
 * The columns writer suite: the written file (and nothing else: no temporary file is left
 * over) reads back through the fixture's reader with every column, row and value equal; writing
 * again replaces the file.
 */
export async function checkColumnsWriterConformance(
  plugin: ColumnsWriter,
  fixture: ColumnsWriterFixture,
): Promise<ContractReport> {
  const checks = new CheckList();
  await checkIdentity(checks, plugin, "columns-writer");
  await checks.check("declares a file extension", () => {
    expect(
      typeof plugin.extension === "string" && /^[a-z0-9]+(\.[a-z0-9]+)*$/i.test(plugin.extension),
      `extension is ${JSON.stringify(plugin.extension)}, expected e.g. "parquet" (no dot)`,
    );
  });
  const path = join(fixture.dir, `conformance.${plugin.extension}`);
  const readBack = async (columns: ReadonlyMap<string, Column>) => {
    const rows = eventCount([...columns.values()][0]);
    const source = await openByteSource(path);
    try {
      const head = await source.read(0, Math.min(await source.size(), 64));
      expect(fixture.reader.canRead(path, head), `reader "${fixture.reader.name}" declines it`);
      const file = await fixture.reader.open(source);
      try {
        const tree = file.trees()[0];
        expect(file.entries(tree) === rows, `${file.entries(tree)} rows read, ${rows} written`);
        const names = file.branches(tree).map((branch) => branch.name).sort();
        expect(
          names.join() === [...columns.keys()].sort().join(),
          `columns read back: ${names.join(", ")}; written: ${[...columns.keys()].join(", ")}`,
        );
        const read = await file.read(tree, [...columns.keys()]);
        for (const [name, written] of columns) {
          const back = read.get(name)!;
          expect(
            !isJagged(back) && !isJagged(written) && sameArray(back, written),
            `column "${name}" reads back as ${describe(back)} with other values than the ${
              describe(written)
            } written`,
          );
        }
      } finally {
        await file.close();
      }
    } finally {
      await source.close();
    }
  };
  const table = fixture.columns ?? defaultColumnsTable();
  const written = await checks.check("writes the table where asked, nothing else", async () => {
    await plugin.write(path, table);
    const info = await stat(path);
    expect(info.isFile() && info.size > 0, `"${path}" is empty`);
    const left = (await readdir(fixture.dir)).filter((name) => join(fixture.dir, name) !== path);
    expect(left.length === 0, `it left ${left.join(", ")} beside the file`);
  });
  if (!written) return checks.report(plugin);
  await checks.check("the file reads back equal", () => readBack(table));
  await checks.check("writing again replaces the file", async () => {
    const smaller = new Map(
      [...table].slice(0, 2).map(([name, column]) => [
        name,
        (column as NumericArray).slice(0, 10),
      ]),
    );
    await plugin.write(path, smaller);
    await readBack(smaller);
  });
  return checks.report(plugin);
}
