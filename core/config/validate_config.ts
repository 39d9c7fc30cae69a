import type { z } from "zod";
import { didYouMean } from "../errors/did_you_mean.ts";
import { ConfigError } from "./config_error.ts";
import type { LocatedDocument, ValuePath } from "./yaml_document.ts";

type Issue = z.core.$ZodIssue;

/**
 * Validates a located document against a zod schema; the first problem becomes a ConfigError
 * at the file, line and column of the offending key or value, saying what was expected.
 */
export function validateDocument<S extends z.ZodType>(
  document: LocatedDocument,
  schema: S,
): z.output<S> {
  const result = schema.safeParse(document.value);
  if (result.success) return result.data;
  const issue = mostSpecific(result.error.issues);
  throw issueToError(document, schema, issue);
}

/** Within unions, prefer the branch that got furthest (the user clearly meant that shape). */
function mostSpecific(issues: readonly Issue[]): Issue {
  // A misspelt key also shows up as a missing required key; the unknown key (with its
  // "did you mean") is the message that helps.
  const issue = issues.find((candidate) => candidate.code === "unrecognized_keys") ?? issues[0];
  if (issue.code !== "invalid_union" || issue.errors.length === 0) return issue;
  const branches = issue.errors.filter((branch) =>
    !(branch.length === 1 && branch[0].code === "invalid_type" && branch[0].path.length === 0)
  );
  if (branches.length === 0) return issue;
  const best = branches.reduce((a, b) => depth(b) > depth(a) ? b : a);
  const inner = mostSpecific(best);
  return { ...inner, path: [...issue.path, ...inner.path] } as Issue;
}

function depth(branch: readonly Issue[]): number {
  return Math.max(...branch.map((issue) => issue.path.length));
}

function issueToError(document: LocatedDocument, schema: z.ZodType, issue: Issue): ConfigError {
  const path = issue.path.filter((step) => typeof step !== "symbol") as (string | number)[];
  const where = describePath(path);
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0];
    const known = knownKeys(schema, path);
    return new ConfigError(
      "CONFIG_UNKNOWN_KEY",
      `Cannot load config "${document.file}": unknown key "${key}" in ${where}${
        didYouMean(key, known)
      }; expected one of: ${known.join(", ")}`,
      { position: document.locate([...path, key], { key: true }) },
    );
  }
  const got = describeValue(valueAt(document.value, path));
  let expected: string;
  switch (issue.code) {
    case "invalid_type":
      expected = got === "nothing"
        ? `a required ${issue.expected} is missing`
        : `expected ${issue.expected}, got ${got}`;
      break;
    case "invalid_union":
      expected = `expected ${describeUnion(issue)}, got ${got}`;
      break;
    case "too_small":
      expected = `expected at least ${issue.minimum}${
        issue.origin === "array" ? " entries" : issue.origin === "string" ? " characters" : ""
      }, got ${got}`;
      break;
    case "invalid_value":
      expected = `expected one of ${
        issue.values.map((value) => JSON.stringify(value)).join(", ")
      }, got ${got}`;
      break;
    default:
      expected = issue.message;
  }
  return new ConfigError(
    "CONFIG_INVALID",
    `Cannot load config "${document.file}": ${where}: ${expected}`,
    { position: document.locate(path) },
  );
}

function describeUnion(issue: Extract<Issue, { code: "invalid_union" }>): string {
  const options = issue.errors.map((branch) => {
    const first = branch[0];
    return first?.code === "invalid_type" && first.path.length === 0
      ? String(first.expected)
      : "an object";
  });
  return [...new Set(options)].join(" or ");
}

/** `histograms.mass.axes[0].bins`, or `the top level`. */
export function describePath(path: ValuePath): string {
  if (path.length === 0) return "the top level";
  return path.map((step, i) => typeof step === "number" ? `[${step}]` : (i ? "." : "") + step)
    .join("");
}

function valueAt(value: unknown, path: ValuePath): unknown {
  let current = value;
  for (const step of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[step];
  }
  return current;
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** The keys an object schema accepts at `path` (for "did you mean"). */
function knownKeys(schema: z.ZodType, path: ValuePath): string[] {
  const found = new Set<string>();
  const visit = (node: unknown, rest: ValuePath): void => {
    const def = (node as { _zod?: { def?: Record<string, unknown> } })?._zod?.def;
    if (!def) return;
    switch (def.type) {
      case "optional":
      case "default":
      case "nullable":
      case "prefault":
        return visit(def.innerType, rest);
      case "pipe":
        return visit(def.in, rest);
      case "union":
        for (const option of def.options as unknown[]) visit(option, rest);
        return;
      case "array":
        return typeof rest[0] === "number" ? visit(def.element, rest.slice(1)) : undefined;
      case "record":
        return rest.length > 0 ? visit(def.valueType, rest.slice(1)) : undefined;
      case "object": {
        const shape = def.shape as Record<string, unknown>;
        if (rest.length === 0) {
          for (const key of Object.keys(shape)) found.add(key);
        } else if (String(rest[0]) in shape) {
          visit(shape[String(rest[0])], rest.slice(1));
        }
        return;
      }
    }
  };
  visit(schema, path);
  return [...found];
}
