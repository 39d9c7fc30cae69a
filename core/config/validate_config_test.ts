import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { AnalysisConfigSchema } from "./schema.ts";
import { ConfigError } from "./config_error.ts";
import { validateDocument } from "./validate_config.ts";
import { parseLocatedYaml } from "./yaml_document.ts";

const minimal = "name: demo\ndatasets:\n  jsons: [datasets.json]\n";

/** Validates `text` and returns the ConfigError it must raise. */
function errorOf(text: string): ConfigError {
  let caught: unknown;
  try {
    validateDocument(parseLocatedYaml("analysis.yaml", text), AnalysisConfigSchema);
  } catch (error) {
    caught = error;
  }
  ok(caught instanceof ConfigError, `expected a ConfigError for:\n${text}`);
  return caught as ConfigError;
}

Deno.test("a minimal config gets its defaults", () => {
  const config = validateDocument(parseLocatedYaml("a.yaml", minimal), AnalysisConfigSchema);
  deepStrictEqual(config.datasets.jsons, ["datasets.json"]);
  deepStrictEqual(config.categories, { baseline: "true" });
  deepStrictEqual(config.skim, []);
});

// Each case: the text, the expected code, line, column, and a fragment of the message.
const malformed: [string, string, string, number, number, string][] = [
  [
    "misspelt top-level key",
    minimal + "histogrms: {}\n",
    "CONFIG_UNKNOWN_KEY",
    4,
    1,
    'did you mean "histograms"',
  ],
  [
    "missing name",
    "datasets:\n  jsons: [a.json]\n",
    "CONFIG_INVALID",
    1,
    1,
    "name: a required string is missing",
  ],
  [
    "missing datasets",
    "name: x\n",
    "CONFIG_INVALID",
    1,
    1,
    "datasets: a required object is missing",
  ],
  [
    "bins as a word",
    minimal + "histograms:\n  mass:\n    axes:\n      - expr: m\n        bins: sixty\n",
    "CONFIG_INVALID",
    8,
    15,
    'histograms.mass.axes[0].bins: expected number, got the string "sixty"',
  ],
  [
    "negative bins",
    minimal + "histograms:\n  mass:\n    axes:\n      - expr: m\n        bins: -3\n",
    "CONFIG_INVALID",
    8,
    15,
    "histograms.mass.axes[0].bins",
  ],
  [
    "non-integer bins",
    minimal + "histograms:\n  mass:\n    axes:\n      - {expr: m, bins: 2.5}\n",
    "CONFIG_INVALID",
    7,
    25,
    "histograms.mass.axes[0].bins: expected int",
  ],
  [
    "skim not a list",
    minimal + "skim: count(Muon.pt > 3) > 0\n",
    "CONFIG_INVALID",
    4,
    7,
    "skim: expected array",
  ],
  [
    "misspelt key in a named cut",
    minimal + "skim:\n  - name: a\n    exprr: x\n",
    "CONFIG_UNKNOWN_KEY",
    6,
    5,
    'did you mean "expr"',
  ],
  ["empty cut", minimal + 'preselection:\n  - ""\n', "CONFIG_INVALID", 5, 5, "preselection[0]"],
  [
    "object without from",
    minimal + "objects:\n  GoodMuon:\n    where: pt > 3\n",
    "CONFIG_INVALID",
    6,
    5,
    "objects.GoodMuon.from: a required string is missing",
  ],
  [
    "misspelt cleaning key",
    minimal +
    "objects:\n  GoodJet:\n    from: Jet\n    cleanAgainst:\n      - {objects: GoodMuon, dR: 0.4}\n",
    "CONFIG_UNKNOWN_KEY",
    8,
    29,
    'unknown key "dR"',
  ],
  [
    "negative deltaR",
    minimal +
    "objects:\n  GoodJet:\n    from: Jet\n    cleanAgainst:\n      - {objects: GoodMuon, deltaR: -1}\n",
    "CONFIG_INVALID",
    8,
    37,
    "deltaR",
  ],
  [
    "weights list instead of map",
    minimal + "weights:\n  common: [genWeight]\n",
    "CONFIG_INVALID",
    5,
    11,
    "weights.common: expected object",
  ],
  [
    "misspelt weights key",
    minimal + "weights:\n  common:\n    inclusiv: [genWeight]\n",
    "CONFIG_UNKNOWN_KEY",
    6,
    5,
    'did you mean "inclusive"',
  ],
  [
    "cartesian group without cuts",
    minimal + "categories:\n  cartesian:\n    - name: lep\n",
    "CONFIG_INVALID",
    6,
    7,
    "categories.cartesian[0].cuts",
  ],
  [
    "category cut not a string",
    minimal + "categories:\n  SR: 3\n",
    "CONFIG_INVALID",
    5,
    7,
    "categories.SR: expected string, got number 3",
  ],
  [
    "bad trigger missingPath",
    minimal + "trigger:\n  paths: {SingleMuon: [IsoMu24]}\n  missingPath: ignore\n",
    "CONFIG_INVALID",
    6,
    16,
    'expected one of "false", "error"',
  ],
  [
    "isMC not boolean",
    "name: x\ndatasets:\n  inline:\n    dy:\n      metadata: {sample: DY, year: 2018, isMC: maybe}\n      files: [a.root]\n",
    "CONFIG_INVALID",
    5,
    48,
    "datasets.inline.dy.metadata.isMC",
  ],
  [
    "dataset without files",
    "name: x\ndatasets:\n  inline:\n    dy:\n      metadata: {sample: DY, year: 2018, isMC: true}\n",
    "CONFIG_INVALID",
    5,
    7,
    "datasets.inline.dy.files: a required array is missing",
  ],
  [
    "YAML syntax error",
    "name: x\ndatasets:\n  jsons: [a.json\n",
    "CONFIG_YAML",
    4,
    1,
    "must be sufficiently indented and end with a ]",
  ],
  [
    "duplicate key",
    "name: x\nname: y\ndatasets: {jsons: []}\n",
    "CONFIG_YAML",
    2,
    1,
    "Cannot parse",
  ],
];

for (const [title, text, code, line, column, fragment] of malformed) {
  Deno.test(`malformed config: ${title}`, () => {
    const error = errorOf(text);
    strictEqual(error.code, code, error.message);
    ok(error.message.includes(fragment), `"${error.message}" should mention "${fragment}"`);
    strictEqual(error.position?.line, line, error.message);
    strictEqual(error.position?.column, column, error.message);
    ok(error.message.startsWith(`analysis.yaml:${line}:${column}: `), error.message);
  });
}

Deno.test("did-you-mean only suggests close names", () => {
  const error = errorOf(minimal + "zzzzzzzzzz: 1\n");
  ok(!error.message.includes("did you mean"), error.message);
  throws(() => {
    throw error;
  }, ConfigError);
});
