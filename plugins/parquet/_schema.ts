import { parquetSchema } from "hyparquet";
import type { FileMetaData, SchemaElement, SchemaTree } from "hyparquet";
import type { LeafType } from "@ristretto/core/plugin";

/** How one top-level Parquet field becomes one Ristretto column. */
export interface ColumnPlan {
  /** Top-level field name = the branch name. */
  readonly name: string;
  /** Element type, or undefined when the field cannot be read (see `unsupported`). */
  readonly type?: LeafType;
  /** Why the field cannot be read. */
  readonly unsupported?: string;
  /** A list column (read as Jagged). */
  readonly list: boolean;
  /** NanoAOD counter name of a list column (`nJet` for `Jet_pt`). */
  readonly counter?: string;
  /** Index of the leaf in each row group's `columns`. */
  readonly columnIndex: number;
  /** The leaf schema element. */
  readonly element?: SchemaElement;
  /** The schema path root -> leaf, as hyparquet's decoders want it. */
  readonly schemaPath: SchemaTree[];
  readonly maxDefinition: number;
  readonly maxRepetition: number;
  /** Definition level from which a list has a (possibly null) element: lower = empty list. */
  readonly listDefinition: number;
  /** A counter made up from a list column's lengths (no such flat column in the file). */
  readonly syntheticFrom?: string;
}

/** The NanoAOD counter of a list column: `nJet` for `Jet_pt`, `nfoo` for `foo`. */
export function counterName(name: string): string {
  const cut = name.indexOf("_");
  return "n" + (cut > 0 ? name.slice(0, cut) : name);
}

/** Maps an INTEGER/legacy converted type on INT32/INT64 to a Ristretto type. */
function leafType(element: SchemaElement): LeafType | string {
  const logical = element.logical_type;
  const converted = element.converted_type;
  switch (element.type) {
    case "BOOLEAN":
      return "bool";
    case "FLOAT":
      return "float32";
    case "DOUBLE":
      return "float64";
    case "INT32":
    case "INT64": {
      const is64 = element.type === "INT64";
      if (logical?.type === "INTEGER") {
        const width = logical.bitWidth;
        return `${logical.isSigned ? "int" : "uint"}${width}` as LeafType;
      }
      if (logical?.type === "DECIMAL" || converted === "DECIMAL") {
        return `decimal ${element.type} (scaled integers are not plain numbers)`;
      }
      switch (converted) {
        case "INT_8":
          return "int8";
        case "INT_16":
          return "int16";
        case "UINT_8":
          return "uint8";
        case "UINT_16":
          return "uint16";
        case "UINT_32":
          return "uint32";
        case "UINT_64":
          return "uint64";
        default:
          // INT_32/INT_64, DATE, TIME, TIMESTAMP: the stored integer, as uproot would give it.
          return is64 ? "int64" : "int32";
      }
    }
    default:
      return `physical type ${element.type}${
        element.converted_type ? ` (${element.converted_type})` : ""
      }`;
  }
}

function leaves(tree: SchemaTree): SchemaTree[][] {
  if (tree.children.length === 0) return [[tree]];
  return tree.children.flatMap((child) => leaves(child).map((path) => [tree, ...path]));
}

/**
 * One plan per top-level field, in file order. Flat primitives and single-level lists of
 * primitives (3-level LIST, 2-level legacy, bare repeated) are readable; anything else is
 * listed as unsupported so reading it can say why.
 */
export function planColumns(metadata: FileMetaData): ColumnPlan[] {
  const root = parquetSchema(metadata);
  const plans: ColumnPlan[] = [];
  let columnIndex = 0;
  for (const top of root.children) {
    const paths = leaves(top);
    const first = paths[0];
    const leaf = first[first.length - 1].element;
    const schemaPath = [root, ...first];
    let maxDefinition = 0;
    let maxRepetition = 0;
    let listDefinition = 0;
    for (const node of first) {
      const repetition = node.element.repetition_type ?? "REQUIRED";
      if (repetition !== "REQUIRED") maxDefinition++;
      if (repetition === "REPEATED") {
        maxRepetition++;
        if (maxRepetition === 1) listDefinition = maxDefinition;
      }
    }
    const base = {
      name: top.element.name,
      columnIndex,
      element: leaf,
      schemaPath,
      maxDefinition,
      maxRepetition,
      listDefinition,
    };
    columnIndex += paths.length;
    let unsupported: string | undefined;
    if (paths.length > 1) unsupported = `a group of ${paths.length} columns (struct or map)`;
    else if (maxRepetition > 1) unsupported = `a list nested ${maxRepetition} deep`;
    const type = unsupported === undefined ? leafType(leaf) : undefined;
    if (type !== undefined && !isLeafType(type)) unsupported = type;
    if (unsupported !== undefined) {
      plans.push({ ...base, list: maxRepetition > 0, unsupported });
      continue;
    }
    const list = maxRepetition === 1;
    plans.push({
      ...base,
      type: type as LeafType,
      list,
      counter: list ? counterName(base.name) : undefined,
    });
  }
  // NanoAOD keeps its counters as flat columns; files without them get one made up from the
  // lengths of the first list of the collection, so `nJet` exists either way.
  const names = new Set(plans.map((plan) => plan.name));
  for (const plan of [...plans]) {
    if (plan.counter === undefined || names.has(plan.counter)) continue;
    names.add(plan.counter);
    plans.push({
      name: plan.counter,
      type: "uint32",
      list: false,
      columnIndex: -1,
      schemaPath: [],
      maxDefinition: 0,
      maxRepetition: 0,
      listDefinition: 0,
      syntheticFrom: plan.name,
    });
  }
  return plans;
}

const LEAF_TYPES = new Set<string>([
  "bool",
  "int8",
  "uint8",
  "int16",
  "uint16",
  "int32",
  "uint32",
  "int64",
  "uint64",
  "float32",
  "float64",
]);

function isLeafType(type: string): type is LeafType {
  return LEAF_TYPES.has(type);
}
