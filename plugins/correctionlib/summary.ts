/**
 * What a correction file holds, for people: corrections, their inputs with types and the ranges
 * or keys the file covers, and outputs (the content of `correction summary` in correctionlib).
 * @module
 */
import type { CorrectionSet } from "./correction_set.ts";
import type { ContentJson, EdgeJson, UniformBinningJson, VariableJson } from "./schema.ts";
import { parseEdge } from "./validate.ts";

/** What the file says about one input. */
export interface InputSummary {
  readonly name: string;
  readonly type: VariableJson["type"];
  readonly description: string;
  /** Real/int inputs used by binnings: the lowest edge (-Infinity when a formula takes it). */
  readonly min?: number;
  /** The highest edge (Infinity when a formula takes it). */
  readonly max?: number;
  /** False when some binning on this input has flow "error". */
  readonly overflowOk: boolean;
  /** Category keys (int or string inputs). */
  readonly keys?: readonly (string | number)[];
  /** True when some category on this input has a default. */
  readonly hasDefault: boolean;
  /** True when a transform node rewrites this input. */
  readonly transformed: boolean;
  /** False when no node reads this input. */
  readonly used: boolean;
}

/** One correction or compound correction. */
export interface CorrectionSummary {
  readonly name: string;
  readonly kind: "correction" | "compound";
  readonly version?: number;
  readonly description: string;
  readonly inputs: readonly InputSummary[];
  readonly output: VariableJson;
  /** Node counts by node type (corrections only). */
  readonly nodes?: Readonly<Record<string, number>>;
  /** The stack (compound corrections only). */
  readonly stack?: readonly string[];
}

interface Stats {
  min: number;
  max: number;
  overflowOk: boolean;
  keys: Set<string | number>;
  hasDefault: boolean;
  transformed: boolean;
  used: boolean;
}

function edgeRange(edges: EdgeJson[] | UniformBinningJson): [number, number] {
  if (Array.isArray(edges)) return [parseEdge(edges[0])!, parseEdge(edges[edges.length - 1])!];
  return [edges.low, edges.high];
}

/** Summaries of every correction and compound correction of a set. */
export function summarizeCorrectionSet(set: CorrectionSet): CorrectionSummary[] {
  const result: CorrectionSummary[] = [];
  for (const correction of set.json.corrections) {
    const stats = new Map<string, Stats>();
    for (const input of correction.inputs) {
      stats.set(input.name, {
        min: Infinity,
        max: -Infinity,
        overflowOk: true,
        keys: new Set(),
        hasDefault: false,
        transformed: false,
        used: false,
      });
    }
    const nodes: Record<string, number> = {};
    const unbounded = (name: string) => {
      const s = stats.get(name)!;
      s.min = -Infinity;
      s.max = Infinity;
      s.used = true;
    };
    const walk = (node: ContentJson): void => {
      if (typeof node === "number") return;
      nodes[node.nodetype] = (nodes[node.nodetype] ?? 0) + 1;
      switch (node.nodetype) {
        case "binning":
        case "multibinning": {
          const inputs = node.nodetype === "binning" ? [node.input] : node.inputs;
          const edges = node.nodetype === "binning" ? [node.edges] : node.edges;
          inputs.forEach((name, i) => {
            const s = stats.get(name)!;
            const [low, high] = edgeRange(edges[i]);
            s.min = Math.min(s.min, low);
            s.max = Math.max(s.max, high);
            s.overflowOk &&= node.flow !== "error";
            s.used = true;
          });
          node.content.forEach(walk);
          if (typeof node.flow !== "string") walk(node.flow);
          return;
        }
        case "category": {
          const s = stats.get(node.input)!;
          s.used = true;
          for (const item of node.content) {
            s.keys.add(item.key);
            walk(item.value);
          }
          if (node.default !== undefined && node.default !== null) {
            s.hasDefault = true;
            walk(node.default);
          }
          return;
        }
        case "formula":
          node.variables.forEach(unbounded);
          return;
        case "formularef":
          correction.generic_formulas?.[node.index]?.variables.forEach(unbounded);
          return;
        case "transform":
          stats.get(node.input)!.transformed = true;
          stats.get(node.input)!.used = true;
          walk(node.rule);
          walk(node.content);
          return;
        case "hashprng":
          for (const name of node.inputs) stats.get(name)!.used = true;
          return;
      }
    };
    walk(correction.data);
    result.push({
      name: correction.name,
      kind: "correction",
      version: correction.version,
      description: correction.description ?? "",
      output: correction.output,
      nodes,
      inputs: correction.inputs.map((input) => {
        const s = stats.get(input.name)!;
        const ranged = s.min <= s.max;
        return {
          name: input.name,
          type: input.type,
          description: input.description ?? "",
          ...(ranged ? { min: s.min, max: s.max } : {}),
          overflowOk: s.overflowOk,
          ...(s.keys.size > 0 ? { keys: [...s.keys] } : {}),
          hasDefault: s.hasDefault,
          transformed: s.transformed,
          used: s.used,
        };
      }),
    });
  }
  for (const compound of set.json.compound_corrections ?? []) {
    result.push({
      name: compound.name,
      kind: "compound",
      description: compound.description ?? "",
      output: compound.output,
      stack: compound.stack,
      inputs: compound.inputs.map((input) => ({
        name: input.name,
        type: input.type,
        description: input.description ?? "",
        overflowOk: true,
        hasDefault: false,
        transformed: compound.inputs_update.includes(input.name),
        used: true,
      })),
    });
  }
  return result;
}
