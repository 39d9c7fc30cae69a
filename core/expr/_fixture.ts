// Three small hand-made events shared by the tests; every expected value in the tests is
// worked out by hand from these numbers.
import type { Column } from "../columns/types.ts";
import { type ExprEnv, type ExprSchema, schemaOf } from "./env.ts";

/**
 * An ExprEnv over a Map of columns, written here rather than taken from env.ts so the tests
 * do not depend on the code they test for their data access.
 */
export function mapEnv(columns: Map<string, Column>): ExprEnv {
  const first = columns.values().next().value!;
  const length = "offsets" in first ? first.offsets.length - 1 : first.length;
  return {
    length,
    has: (path) => columns.has(path),
    column: (path) => columns.get(path)!,
    collectionOffsets(name) {
      for (const [path, column] of columns) {
        if (path.startsWith(name + ".") && "offsets" in column) return column.offsets;
      }
      throw new RangeError(`no collection ${name}`);
    },
    names: () => [...columns.keys()],
  };
}

// event 0: three jets, two muons, MET 40, genWeight 2, trigger fired
// event 1: no jet, one muon, MET 10, genWeight -1, trigger not fired
// event 2: one jet, no muon, MET 60, genWeight 0.5, trigger fired
const jetOffsets = Int32Array.of(0, 3, 3, 4);
const muonOffsets = Int32Array.of(0, 2, 3, 3);

export const fixtureColumns: Map<string, Column> = new Map<string, Column>([
  ["Jet.pt", { offsets: jetOffsets, content: Float32Array.of(50, 20, 35, 25) }],
  ["Jet.eta", { offsets: jetOffsets, content: Float32Array.of(0.5, -3, 2.5, 1) }],
  ["Jet.phi", { offsets: jetOffsets, content: Float32Array.of(0, 1, 2, 3) }],
  ["Muon.pt", { offsets: muonOffsets, content: Float64Array.of(30, 20, 10) }],
  ["Muon.eta", { offsets: muonOffsets, content: Float64Array.of(0, 0, 1) }],
  ["Muon.phi", { offsets: muonOffsets, content: Float64Array.of(0, Math.PI / 2, 0) }],
  ["Muon.mass", { offsets: muonOffsets, content: Float64Array.of(0, 0, 0) }],
  ["Muon.tightId", { offsets: muonOffsets, content: Uint8Array.of(0, 1, 0) }],
  ["MET.pt", Float32Array.of(40, 10, 60)],
  ["MET.phi", Float32Array.of(0, 0, -3)],
  ["genWeight", Float64Array.of(2, -1, 0.5)],
  ["HLT.IsoMu24", Uint8Array.of(1, 0, 1)],
]);

export const fixtureEnv: ExprEnv = mapEnv(fixtureColumns);

export const fixtureSchema: ExprSchema = schemaOf(fixtureEnv, {
  bools: ["Muon.tightId", "HLT.IsoMu24"],
});
