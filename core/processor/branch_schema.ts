import type { BranchInfo } from "../plugin/types.ts";
import type { ExprFieldKind, ExprSchema } from "../expr/env.ts";

/**
 * What expressions may name, known before any data is read: built from a file's branch list
 * with the NanoAOD grouping rules of core/events (`Jet_pt` with a counter -> `Jet.pt`,
 * `MET_pt` -> `MET.pt`, `HLT_IsoMu24` -> `HLT.IsoMu24`, `run` stays `run`), plus the named
 * objects the analysis derives (`GoodJet` from `Jet` has all of Jet's fields).
 *
 * It also maps every path back to the branch that holds it, so a run reads only what its
 * expressions use.
 */
export class BranchSchema implements ExprSchema {
  readonly #kinds = new Map<string, ExprFieldKind>();
  /** path -> branch name in the file. */
  readonly #branchOf = new Map<string, string>();
  /** collection -> its field names. */
  readonly #fields = new Map<string, string[]>();
  /** derived collection -> the file collection it comes from. */
  readonly #origin = new Map<string, string>();

  constructor(branches: readonly BranchInfo[]) {
    const collections = new Set<string>();
    for (const branch of branches) {
      const group = groupOf(branch.name);
      if (branch.counter !== undefined && group) collections.add(group);
    }
    for (const branch of branches) {
      const group = groupOf(branch.name);
      const type = branch.type === "bool" ? "bool" : "number";
      let path = branch.name;
      let kind: ExprFieldKind = { jagged: false, type };
      if (branch.counter !== undefined && group) {
        path = `${group}.${branch.name.slice(group.length + 1)}`;
        kind = { jagged: true, collection: group, type };
        const fields = this.#fields.get(group) ?? [];
        fields.push(path.slice(group.length + 1));
        this.#fields.set(group, fields);
        this.#origin.set(group, group);
      } else if (group && !collections.has(group)) {
        path = `${group}.${branch.name.slice(group.length + 1)}`;
      } else if (branch.counter !== undefined) {
        continue; // a jagged branch that does not follow NanoAOD naming: not addressable
      }
      this.#kinds.set(path, kind);
      this.#branchOf.set(path, branch.name);
    }
  }

  /** Adds a collection derived from another (an object selection): same fields. */
  addDerived(name: string, from: string): void {
    const fields = this.#fields.get(from) ?? [];
    this.#fields.set(name, [...fields]);
    this.#origin.set(name, this.#origin.get(from) ?? from);
    for (const field of fields) {
      const kind = this.#kinds.get(`${from}.${field}`)!;
      this.#kinds.set(`${name}.${field}`, { ...kind, collection: name });
    }
  }

  /** Adds a variable an analysis module computes: per event, or per object of `collection`. */
  addVariable(name: string, options: { collection?: string; type?: "number" | "bool" } = {}): void {
    const type = options.type ?? "number";
    if (options.collection) {
      this.#kinds.set(`${options.collection}.${name}`, {
        jagged: true,
        collection: options.collection,
        type,
      });
      this.#fields.get(options.collection)?.push(name);
    } else {
      this.#kinds.set(name, { jagged: false, type });
    }
  }

  kindOf(path: string): ExprFieldKind | undefined {
    return this.#kinds.get(path);
  }

  names(): string[] {
    return [...this.#kinds.keys()];
  }

  isCollection(name: string): boolean {
    return this.#fields.has(name);
  }

  /** The fields of a collection (`pt`, `eta`, ...). */
  fieldsOf(collection: string): string[] {
    return this.#fields.get(collection) ?? [];
  }

  /** The file collection a (possibly derived) collection comes from: GoodJet -> Jet. */
  originOf(collection: string): string | undefined {
    return this.#origin.get(collection);
  }

  /**
   * The branches to read for a set of paths and collections: derived paths map to their file
   * collection (`GoodJet.pt` -> `Jet_pt`), and a collection used only through its offsets
   * (`count(Jet)`) reads its counter plus one field so the collection exists.
   */
  branchesFor(paths: Iterable<string>, collections: Iterable<string> = []): Set<string> {
    const needed = new Set<string>();
    for (const path of paths) {
      const dot = path.indexOf(".");
      const head = dot > 0 ? path.slice(0, dot) : "";
      const origin = head ? this.#origin.get(head) : undefined;
      const filePath = origin ? `${origin}.${path.slice(dot + 1)}` : path;
      const branch = this.#branchOf.get(filePath);
      if (branch) needed.add(branch);
    }
    for (const collection of collections) {
      const origin = this.#origin.get(collection);
      if (!origin) continue;
      const counter = `n${origin}`;
      if (this.#branchOf.has(counter)) needed.add(counter);
      const hasField = [...needed].some((branch) => branch.startsWith(`${origin}_`));
      if (!hasField) {
        const fields = this.#fields.get(origin)!;
        const first = fields.includes("pt") ? "pt" : fields[0];
        needed.add(this.#branchOf.get(`${origin}.${first}`)!);
      }
    }
    return needed;
  }
}

/** `Jet` for `Jet_pt`, `HLT` for `HLT_IsoMu24`, "" for `run` (the core/events rule). */
function groupOf(branch: string): string {
  const at = branch.indexOf("_");
  return at > 0 && at < branch.length - 1 ? branch.slice(0, at) : "";
}
