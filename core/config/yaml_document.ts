import { isMap, isSeq, LineCounter, parseDocument } from "yaml";
import type { Document, Node } from "yaml";
import { ConfigError, type SourcePosition } from "./config_error.ts";

/** A path into a parsed document: map keys and sequence indices. */
export type ValuePath = readonly (string | number)[];

/** A parsed YAML (or JSON) file that remembers where every value came from. */
export interface LocatedDocument {
  readonly file: string;
  /** The plain JavaScript value of the document. */
  readonly value: unknown;
  /**
   * Where the value at `path` starts; with `key: true`, where its key starts (for unknown-key
   * errors). Falls back to the nearest enclosing value that exists.
   */
  locate(path: ValuePath, options?: { key?: boolean }): SourcePosition;
}

/**
 * Parses YAML text (JSON is YAML too) keeping source positions.
 * Syntax errors become a ConfigError at the offending line and column.
 *
 * @example
 * ```ts
 * import { parseLocatedYaml } from "./yaml_document.ts";
 * const doc = parseLocatedYaml("a.yaml", "skim:\n  - count(Muon.pt > 20) >= 1\n");
 * if (doc.locate(["skim", 0]).line !== 2) throw new Error();
 * ```
 */
export function parseLocatedYaml(file: string, text: string): LocatedDocument {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const positionAt = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  if (document.errors.length > 0) {
    const first = document.errors[0];
    throw new ConfigError(
      "CONFIG_YAML",
      `Cannot parse "${file}": ${first.message.split("\n")[0]}`,
      { position: positionAt(first.pos[0]) },
    );
  }
  return {
    file,
    value: document.toJS({ maxAliasCount: 1000 }),
    locate: (path, options = {}) => positionAt(offsetOf(document, path, options.key ?? false)),
  };
}

/** The source offset of the node (or its key) at `path`, or of its deepest existing parent. */
function offsetOf(document: Document, path: ValuePath, wantKey: boolean): number {
  let node: Node | null | undefined = document.contents as Node | null;
  let offset = node?.range?.[0] ?? 0;
  for (let depth = 0; depth < path.length && node; depth++) {
    const step = path[depth];
    const last = depth === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => String(scalarValue(item.key)) === String(step));
      if (!pair) break;
      const keyOffset = (pair.key as Node | null)?.range?.[0];
      const value = pair.value as Node | null;
      offset = last && wantKey && keyOffset !== undefined
        ? keyOffset
        : value?.range?.[0] ?? keyOffset ?? offset;
      node = value;
    } else if (isSeq(node) && typeof step === "number") {
      const item = node.items[step] as Node | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset;
}

function scalarValue(key: unknown): unknown {
  return typeof key === "object" && key !== null && "value" in key
    ? (key as { value: unknown }).value
    : key;
}
