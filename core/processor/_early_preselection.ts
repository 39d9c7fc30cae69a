/**
 * The part of the preselection no calibrator can change, so that it runs once per chunk,
 * before the shape variations, instead of once per variation: with a jet-energy variation,
 * `count(GoodMuon) + count(GoodElectron) == 1 && count(GoodJet) >= 4` splits into the lepton
 * conjunct (evaluated once; the jets of the failing events are then never calibrated, selected
 * or counted again) and the jet conjunct (evaluated per variation).
 *
 * What a calibrator can change is read from its declared `inputs`: the collections and records
 * they belong to (`Jet_pt` -> Jet, `MET_phi` -> MET, `fixedGridRhoFastjetAll` itself). A
 * conjunct is invariant when every column it reads, through the objects it names and their
 * `where` and cleaning, is a file branch outside those groups. Variables of the analysis
 * module or of plugins, module cuts and plugin cuts have no declared inputs, so they stay in
 * every variation.
 * @module
 */
import type { CompiledExpression, ExprNode } from "../expr/mod.ts";
import type { Calibrator } from "../plugin/types.ts";
import type { BranchSchema } from "./branch_schema.ts";
import type { PlannedCut, PlannedObject } from "./plan.ts";

/** The preselection split into what every shape variation shares and what it must redo. */
export interface EarlyPreselection {
  /** Conjuncts no calibrator can change: run once, on the uncalibrated events. */
  readonly cuts: readonly PlannedCut[];
  /** The objects those conjuncts read, in declaration order (dependencies first). */
  readonly objects: readonly PlannedObject[];
  /** The rest of the preselection, run in every variation on the events the early cuts kept. */
  readonly rest: readonly PlannedCut[];
}

/** Options of {@link splitPreselection}. */
export interface SplitOptions {
  readonly objects: readonly PlannedObject[];
  readonly calibrators: readonly Calibrator[];
  readonly schema: BranchSchema;
  /** Compiles one conjunct of preselection cut `index` (a slice of its source). */
  readonly compile: (source: string, index: number) => CompiledExpression;
}

/**
 * Splits expression cuts at their top-level `&&` and sorts the conjuncts into invariant
 * (early) and the rest; undefined when there are no calibrators or nothing is invariant.
 */
export function splitPreselection(
  preselection: readonly PlannedCut[],
  options: SplitOptions,
): EarlyPreselection | undefined {
  const { objects, calibrators, schema } = options;
  if (calibrators.length === 0) return undefined;
  const touched = new Set(
    calibrators.flatMap((calibrator) => calibrator.inputs.map((input) => groupOfBranch(input))),
  );
  const byName = new Map(objects.map((object) => [object.name, object]));
  const verdicts = new Map<string, boolean>();
  const needed = new Set<string>();

  const branchUntouched = (path: string): boolean => {
    const branches = [...schema.branchesFor([path])];
    return branches.length === 1 && !touched.has(groupOfBranch(branches[0]));
  };
  // A collection is invariant when it is an untouched file collection, or an object built
  // only from invariant inputs.
  const collectionInvariant = (name: string): boolean => {
    const cached = verdicts.get(name);
    if (cached !== undefined) return cached;
    verdicts.set(name, false); // a cycle (impossible in a valid plan) counts as variant
    const object = byName.get(name);
    const invariant = object === undefined
      ? schema.originOf(name) === name && !touched.has(name)
      : collectionInvariant(object.from) &&
        (object.where === undefined || exprInvariant(object.where)) &&
        object.cleanAgainst.every((clean) => collectionInvariant(clean.objects));
    verdicts.set(name, invariant);
    return invariant;
  };
  const exprInvariant = (expr: CompiledExpression): boolean =>
    [...expr.collections].every(collectionInvariant) &&
    [...expr.fields].every((field) => {
      const head = field.slice(0, Math.max(0, field.indexOf(".")));
      if (head && schema.isCollection(head) && !collectionInvariant(head)) return false;
      return branchUntouched(field);
    });
  const noteObjects = (expr: CompiledExpression) => {
    const visit = (name: string) => {
      const object = byName.get(name);
      if (!object || needed.has(name)) return;
      needed.add(name);
      visit(object.from);
      object.cleanAgainst.forEach((clean) => visit(clean.objects));
      if (object.where) noteObjectsOf(object.where, visit);
    };
    noteObjectsOf(expr, visit);
  };

  const early: PlannedCut[] = [];
  const rest: PlannedCut[] = [];
  preselection.forEach((cut, index) => {
    if (cut.kind === "trigger") {
      early.push(cut); // HLT bits: no calibrator changes them
      return;
    }
    if (cut.kind !== "expr") {
      rest.push(cut);
      return;
    }
    const conjuncts = conjunctsOf(cut.expr, index, options.compile);
    for (const conjunct of conjuncts) {
      const planned: PlannedCut = conjuncts.length === 1
        ? cut
        : { kind: "expr", name: cut.name, expr: conjunct };
      if (exprInvariant(conjunct)) {
        early.push(planned);
        noteObjects(conjunct);
      } else {
        rest.push(planned);
      }
    }
  });
  if (early.length === 0) return undefined;
  return {
    cuts: early,
    objects: objects.filter((object) => needed.has(object.name)),
    rest,
  };
}

/** The conjuncts of a condition (itself when it is no `&&`, or one does not compile alone). */
function conjunctsOf(
  expr: CompiledExpression,
  index: number,
  compile: SplitOptions["compile"],
): CompiledExpression[] {
  const nodes: ExprNode[] = [];
  const walk = (node: ExprNode) => {
    if (node.kind === "binary" && node.operator === "&&") {
      walk(node.left);
      walk(node.right);
    } else nodes.push(node);
  };
  walk(expr.tree);
  if (nodes.length === 1) return [expr];
  try {
    const parts = nodes.map((node) =>
      compile(expr.source.slice(node.span.start - 1, node.span.end - 1), index)
    );
    // A per-object conjunct is no event condition on its own: keep the cut whole.
    return parts.some((part) => part.type.shape === "object") ? [expr] : parts;
  } catch {
    return [expr];
  }
}

/** Calls `visit` with every collection an expression names (fields' groups and counts). */
function noteObjectsOf(expr: CompiledExpression, visit: (name: string) => void): void {
  for (const name of expr.collections) visit(name);
  for (const field of expr.fields) {
    const dot = field.indexOf(".");
    if (dot > 0) visit(field.slice(0, dot));
  }
}

/** `Jet` for `Jet_pt` and `nJet`, the name itself for an ungrouped branch (`run`). */
function groupOfBranch(branch: string): string {
  const at = branch.indexOf("_");
  if (at > 0 && at < branch.length - 1) return branch.slice(0, at);
  // A counter belongs to its collection: a calibrator of Jet could change nJet.
  return /^n[A-Z]/.test(branch) ? branch.slice(1) : branch;
}
