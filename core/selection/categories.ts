/**
 * Categories as an analysis declares them: a flat map name -> cut, or a cartesian product of
 * cut groups (every combination, names joined with "_", cuts ANDed) plus common categories.
 * @module
 */

/** One category: its name and the cut expressions that must all pass. */
export interface CategoryDefinition {
  readonly name: string;
  /** Cut expressions, ANDed. */
  readonly cuts: readonly string[];
  /** Where each cut came from in the config (path), for error messages. */
  readonly origins: readonly (readonly (string | number)[])[];
}

/** The `categories` section: flat, or cartesian groups with optional common categories. */
export type CategoriesSpec =
  | Readonly<Record<string, string>>
  | {
    readonly cartesian: readonly {
      readonly name: string;
      readonly cuts: Readonly<Record<string, string>>;
    }[];
    readonly common?: Readonly<Record<string, string>>;
  };

/**
 * Expands the categories section into the list of categories, in declaration order
 * (cartesian: the first group varies slowest).
 *
 * @example
 * ```ts
 * import { expandCategories } from "./categories.ts";
 * const names = expandCategories({
 *   cartesian: [
 *     { name: "lepton", cuts: { mu: "count(GoodMuon) == 1", e: "count(GoodElectron) == 1" } },
 *     { name: "btag", cuts: { "1b": "count(BJet) == 1", "2b": "count(BJet) >= 2" } },
 *   ],
 * }).map((category) => category.name);
 * if (names.join() !== "mu_1b,mu_2b,e_1b,e_2b") throw new Error(names.join());
 * ```
 */
export function expandCategories(spec: CategoriesSpec): CategoryDefinition[] {
  if (!("cartesian" in spec) || typeof spec.cartesian === "string") {
    return Object.entries(spec as Record<string, string>).map(([name, cut]) => ({
      name,
      cuts: [cut],
      origins: [["categories", name]],
    }));
  }
  let combinations: CategoryDefinition[] = [{ name: "", cuts: [], origins: [] }];
  for (const [groupIndex, group] of spec.cartesian.entries()) {
    const next: CategoryDefinition[] = [];
    for (const partial of combinations) {
      for (const [name, cut] of Object.entries(group.cuts)) {
        next.push({
          name: partial.name ? `${partial.name}_${name}` : name,
          cuts: [...partial.cuts, cut],
          origins: [...partial.origins, ["categories", "cartesian", groupIndex, "cuts", name]],
        });
      }
    }
    combinations = next;
  }
  const common = Object.entries(spec.common ?? {}).map(([name, cut]) => ({
    name,
    cuts: [cut],
    origins: [["categories", "common", name]],
  }));
  return [...common, ...combinations];
}
