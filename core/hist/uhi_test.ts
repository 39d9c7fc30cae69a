import { deepStrictEqual, equal, ok, throws } from "node:assert/strict";
import { Ajv } from "ajv";
import { InputError } from "../errors/mod.ts";
import { hasSharedSpec, sharedSpecPath } from "../testing/mod.ts";
import {
  boolean,
  fromUHI,
  Hist,
  histFromUHI,
  histToUHI,
  intCategory,
  integer,
  parseUHI,
  regular,
  strCategory,
  stringifyUHI,
  toUHI,
  type UHIJson,
  validateUHI,
  variable,
} from "./mod.ts";

// The schema and its examples are read in place from ../shared/specs (never copied here).
const specsPresent = hasSharedSpec("uhi-histogram.schema.json");
if (!specsPresent) {
  console.log("UHI schema tests skipped: ../shared/specs/uhi-histogram.schema.json is absent");
}
// The schema puts minItems on number items (a harmless slip upstream): strict mode would refuse it.
const ajv = new Ajv({ strict: false, allErrors: true });
const schemaValidate = specsPresent
  ? ajv.compile(JSON.parse(Deno.readTextFileSync(sharedSpecPath("uhi-histogram.schema.json"))))
  // Without the schema, outputs are still checked by our own validator in the tests below.
  : Object.assign(() => true, { errors: null }) as unknown as ReturnType<typeof ajv.compile>;

function examples(kind: "valid" | "invalid"): { name: string; text: string }[] {
  const dir = sharedSpecPath(`uhi-examples/${kind}/`);
  return [...Deno.readDirSync(dir)]
    .filter((e) => e.name.endsWith(".json"))
    .map((e) => ({ name: e.name, text: Deno.readTextFileSync(dir + e.name) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

// ajv's "number" rejects NaN/Infinity (not JSON); swap them for 0 before asking the schema.
function finiteCopy(json: UHIJson): UHIJson {
  return JSON.parse(
    JSON.stringify(json, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? 0 : v)),
  );
}

Deno.test({
  name: "UHI examples: every valid file loads and round-trips exactly",
  ignore: !specsPresent,
}, () => {
  const files = examples("valid");
  equal(files.length, 6);
  for (const { name, text } of files) {
    const json = parseUHI(text);
    ok(
      schemaValidate(finiteCopy(json)),
      `${name} is valid per ajv: ${ajv.errorsText(schemaValidate.errors)}`,
    );
    const hists = fromUHI(json);
    deepStrictEqual(toUHI(hists), json, name);
    // and through text, as Python would read it
    deepStrictEqual(parseUHI(stringifyUHI(toUHI(hists))), json, `${name} via text`);
    for (const [key, hist] of Object.entries(hists)) {
      ok(fromUHI(toUHI({ [key]: hist }))[key].equals(hist), `${name}:${key} bin by bin`);
    }
  }
});

Deno.test({
  name: "UHI examples: every invalid file is rejected with the path of the problem",
  ignore: !specsPresent,
}, () => {
  const files = examples("invalid");
  equal(files.length, 3);
  const expected: Record<string, RegExp> = {
    "metadata_nested.json":
      /^Cannot read UHI histogram "one": data\.one\.metadata\.one must be a string, a number or a boolean/,
    "missing_axis.json": /^Cannot read UHI histogram "one": data\.one must contain "axes"$/,
    "missing_storage.json": /^Cannot read UHI histogram "one": data\.one must contain "storage"$/,
  };
  for (const { name, text } of files) {
    const json = parseUHI(text);
    ok(!schemaValidate(finiteCopy(json)), `${name} is invalid per ajv`);
    throws(
      () => fromUHI(json),
      (e: unknown) =>
        e instanceof InputError && e.code === "UHI_INVALID" && expected[name].test(e.message),
      name,
    );
  }
});

Deno.test({
  name: "UHI flow layout: underflow first, overflow last, row-major, first axis slowest",
  ignore: !specsPresent,
}, () => {
  const [reg] = examples("valid").filter((f) => f.name === "reg.json");
  const one = fromUHI(parseUHI(reg.text)).one;
  // regular 3 bins with both flows: [underflow 1, 2, 3, 4, overflow 5]
  deepStrictEqual(Array.from(one.values()), [2, 3, 4]);
  deepStrictEqual(Array.from(one.values({ flow: true })), [1, 2, 3, 4, 5]);
  equal(one.axes[0].metadata?.simple, 1);
  const [twoD] = examples("valid").filter((f) => f.name === "2d.json");
  const main = fromUHI(parseUHI(twoD.text)).main;
  // variable axis (3 bins + underflow) x 3 categories: row 0 is the underflow row
  deepStrictEqual(main.shape({ flow: true }), [4, 3]);
  deepStrictEqual(Array.from(main.values()), [4, 5, 6, 7, 8, 9, 10, 11, 12]);
  // the axes are unnamed: "" finds the first one; summing over the categories row by row
  // (underflow row left out): 4 + 5 + 6, 7 + 8 + 9, 10 + 11 + 12
  deepStrictEqual(Array.from(main.project("").values()), [15, 24, 33]);
  // a fill at (1.5, "b") lands in row 1 (first real bin), column 1
  const filled = main.copy();
  filled.fill([[1.5], new Int32Array([1])], { weight: 10 });
  equal(filled.values({ flow: true })[1 * 3 + 1], 15);
  // sparse: index 0 is the underflow
  const [sparse] = examples("valid").filter((f) => f.name === "sparse.json");
  const first = fromUHI(parseUHI(sparse.text)).first;
  deepStrictEqual(Array.from(first.values({ flow: true })), [0, 3, 5, 0, 0]);
  equal(first.uhiLayout, "sparse");
});

Deno.test({
  name: "UHI mean storages are read and written, and refuse filling clearly",
  ignore: !specsPresent,
}, () => {
  const [mean] = examples("valid").filter((f) => f.name === "mean.json");
  const hists = fromUHI(parseUHI(mean.text));
  deepStrictEqual(Array.from(hists.mean.counts()), [3.9000000000000004, 0.6, 0, 0]);
  deepStrictEqual(Array.from(hists.mean.values()), [5.6923076923076925, 7.000000000000001, 0, 0]);
  ok(Number.isNaN(hists.weighted_mean.variances({ flow: true })[0]));
  equal(hists.weighted_mean.variances()[1], -Infinity);
  // effective count of bin 1: 3.9^2 / 8.73
  equal(hists.weighted_mean.counts()[0], (3.9000000000000004 * 3.9000000000000004) / 8.73);
  throws(
    () => hists.mean.fill({ "": [0.5] }),
    /Cannot fill histogram "": filling mean storage is not supported/,
  );
  throws(() => hists.mean.add(hists.mean), /adding mean storage is not supported/);
  throws(() => hists.mean.sum(), /mean storage holds means/);
  throws(() => hists.mean.project(), /summing over mean storage is not supported/);
});

function allKinds(): Hist {
  const h = new Hist([
    strCategory("category", ["ee", "mumu"], { label: "Channel", overflow: true }),
    strCategory("dataset", ["ttbar"], { growth: true }),
    intCategory("year", [2017, 2018]),
    boolean("tight"),
    integer("nJet", { start: 0, stop: 3, underflow: false }),
    variable("eta", [-2.5, 0, 2.5]),
    regular("phi", {
      bins: 4,
      start: -Math.PI,
      stop: Math.PI,
      circular: true,
      metadata: { unit: "rad" },
    }),
    regular("pt", { bins: 5, start: 0, stop: 100, label: "p_T [GeV]" }),
  ], { metadata: { description: "everything", normalised: false } });
  h.fill({
    category: new Int32Array([0, 1, 5]),
    dataset: ["ttbar", "DY", "DY"],
    year: 2018,
    tight: new Uint8Array([1, 0, 1]),
    nJet: [0, 2, 7],
    eta: [-3, 1, NaN],
    phi: [0.1, 3, -3],
    pt: [10, 150, -1],
  }, { weight: new Float64Array([0.5, 1.5, -2]) });
  return h;
}

Deno.test("UHI round trip: every axis kind, flow flags, labels, metadata, growth", () => {
  const h = allKinds();
  const json = toUHI({ h });
  ok(schemaValidate(json), ajv.errorsText(schemaValidate.errors));
  const back = fromUHI(json).h;
  ok(back.equals(h));
  deepStrictEqual(back.axes.map((a) => a.kind), h.axes.map((a) => a.kind));
  deepStrictEqual(back.axes.map((a) => [a.name, a.label]), h.axes.map((a) => [a.name, a.label]));
  deepStrictEqual(back.metadata, { description: "everything", normalised: false });
  ok(back.axes[1].kind === "strCategory" && back.axes[1].growth);
  equal(back.axes[6].metadata?.unit, "rad");
  deepStrictEqual(toUHI({ h: back }), json);
  // integer axes are written as regular (UHI has none) with a hint
  const nJet = (json.h.axes as Record<string, UHIJson>[])[4];
  deepStrictEqual(nJet, {
    type: "regular",
    lower: 0,
    upper: 3,
    bins: 3,
    underflow: false,
    overflow: true,
    circular: false,
    metadata: { name: "nJet" },
    writer_info: { ristretto: { orig_type: "integer" } },
  });
  // sparse and dense layouts carry the same bins
  const sparse = toUHI({ h }, { layout: "sparse" });
  ok(schemaValidate(sparse), ajv.errorsText(schemaValidate.errors));
  ok(fromUHI(sparse).h.equals(h));
});

Deno.test("UHI axis metadata: string name/label become axis fields, the rest stays verbatim", () => {
  const json = {
    h: {
      uhi_schema: 1,
      axes: [
        { type: "boolean", metadata: { name: 3, label: "Passed", other: "x" } },
        { type: "boolean", metadata: { name: "b" } },
        { type: "boolean", metadata: {} },
      ],
      storage: { type: "double" },
    },
  };
  const h = fromUHI(json).h;
  deepStrictEqual(h.axes.map((a) => [a.name, a.label]), [["", "Passed"], ["b", ""], ["", ""]]);
  deepStrictEqual(toUHI({ h }), json);
});

Deno.test("UHI weighted storage: values and variances with flow bins, nested per axis", () => {
  const h = new Hist([strCategory("c", ["a", "b"]), regular("x", { bins: 2, start: 0, stop: 2 })]);
  h.fill({ c: "b", x: [-1, 0.5, 0.5, 9] }, { weight: new Float64Array([1, 2, 3, 4]) });
  const json = histToUHI(h);
  deepStrictEqual(json.storage, {
    type: "weighted",
    // c = a row, then c = b row: [underflow, bin 0, bin 1, overflow]
    values: [[0, 0, 0, 0], [1, 5, 0, 4]],
    variances: [[0, 0, 0, 0], [1, 13, 0, 16]],
  });
  ok(histFromUHI(json).equals(h));
  // an empty histogram read from a type-only storage is written back empty, but not once filled
  const empty = histFromUHI({ axes: [{ type: "boolean" }], storage: { type: "weighted" } });
  deepStrictEqual(histToUHI(empty).storage, { type: "weighted" });
  empty.fill([[1]]);
  deepStrictEqual(histToUHI(empty).storage, {
    type: "weighted",
    values: [0, 1],
    variances: [0, 1],
  });
});

Deno.test("UHI reading: shape mismatches and unsupported paths are clear errors", () => {
  const axis = {
    type: "regular",
    lower: 0,
    upper: 1,
    bins: 2,
    underflow: true,
    overflow: false,
    circular: false,
  };
  throws(
    () => fromUHI({ h: { axes: [axis], storage: { type: "double", values: [1, 2] } } }),
    /Cannot read UHI histogram "h": storage\.values must have 3 entries to match the axes \(flow bins included: shape \[3\]\)/,
  );
  throws(
    () => fromUHI({ h: { axes: [axis], storage: { type: "double", values: "data/h.bin" } } }),
    /storage\.values is a path \("data\/h\.bin"\); external data is not supported/,
  );
  throws(
    () => fromUHI({ h: { axes: [axis], storage: { type: "weighted", values: [1, 2, 3] } } }),
    /data\.h\.storage must be empty \(type only\) or have all of values, variances; missing variances/,
  );
  throws(
    () => fromUHI({ h: { axes: [{ ...axis, bins: 1.5 }], storage: { type: "int" } } }),
    /data\.h\.axes\[0\]\.bins must be an integer >= 0/,
  );
  throws(
    () => fromUHI({ h: { uhi_schema: 2, axes: [], storage: { type: "int" } } }),
    /data\.h\.uhi_schema must be 1/,
  );
  throws(
    () => fromUHI({ h: { axes: [{ type: "regular" }], storage: { type: "int" } } }),
    /data\.h\.axes\[0\] must contain "lower"/,
  );
  throws(
    () => fromUHI({ h: { axes: [], storage: { type: "int", index: [[0]], values: [1] } } }),
    /storage\.index has 1 rows for 0 axes/,
  );
  throws(() => validateUHI([]), /Cannot read UHI document/);
});

Deno.test({
  name: "UHI validator agrees with ajv on mutated documents",
  ignore: !specsPresent,
}, () => {
  const base = toUHI({ h: allKinds() });
  const mutations: ((d: Record<string, Record<string, UHIJson>>) => void)[] = [
    (d) => delete d.h.axes,
    (d) => (d.h.extra = 1),
    (d) => ((d.h.axes as Record<string, UHIJson>[])[0].flow = "yes"),
    (d) => ((d.h.axes as Record<string, UHIJson>[])[0].categories = ["a", "a"]),
    (d) => ((d.h.axes as Record<string, UHIJson>[])[2].categories = [1.5]),
    (d) => ((d.h.axes as Record<string, UHIJson>[])[3].flow = false),
    (d) => ((d.h.axes as Record<string, UHIJson>[])[7].type = "log"),
    (d) => ((d.h.storage as Record<string, UHIJson>).type = "float"),
    (d) => ((d.h.storage as Record<string, UHIJson>).counts = []),
    (d) => delete (d.h.storage as Record<string, UHIJson>).variances,
    (d) => (d.h.metadata = { a: [1] }),
    (d) => (d.h.writer_info = { lib: 1 }),
    (d) => (d.h.uhi_schema = 2),
    (d) => ((d.h.storage as Record<string, UHIJson>).values = [["x"]]),
    (d) => (d.h.metadata = {}),
    (d) => ((d.h.axes as Record<string, UHIJson>[])[7].bins = 0),
    (d) => ((d.h.storage as Record<string, UHIJson>).index = [[0, 1]]),
  ];
  for (const [i, mutate] of mutations.entries()) {
    const doc = structuredClone(base) as Record<string, Record<string, UHIJson>>;
    mutate(doc);
    const ajvSays = schemaValidate(doc) as boolean;
    let oursSays = true;
    try {
      validateUHI(doc);
    } catch {
      oursSays = false;
    }
    equal(oursSays, ajvSays, `mutation ${i}: ajv says ${ajvSays}`);
  }
});

Deno.test("parseUHI/stringifyUHI keep NaN, infinities and -0 as Python's json does", () => {
  const text = stringifyUHI({ a: [NaN, Infinity, -Infinity, -0, 0, 1.5, "NaN"] });
  equal(text, '{"a":[NaN,Infinity,-Infinity,-0.0,0,1.5,"NaN"]}');
  deepStrictEqual(parseUHI(text), { a: [NaN, Infinity, -Infinity, -0, 0, 1.5, "NaN"] });
  deepStrictEqual(parseUHI('{"s": "say \\"NaN\\" -Infinity"}'), { s: 'say "NaN" -Infinity' });
  throws(
    () => parseUHI("{nope"),
    (e: unknown) => e instanceof InputError && e.code === "UHI_BAD_JSON",
  );
});
