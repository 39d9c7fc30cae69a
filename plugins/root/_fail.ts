import { type RootContext, type RootErrorCode, RootFormatError } from "./errors.ts";

/** ` "file" (tree T, branch B, basket 3)`: the subject part of an error message. */
export function describe(context: RootContext): string {
  const parts: string[] = [];
  if (context.object !== undefined) parts.push(`object ${context.object}`);
  if (context.tree !== undefined) parts.push(`tree "${context.tree}"`);
  if (context.branch !== undefined) parts.push(`branch "${context.branch}"`);
  if (context.basket !== undefined) parts.push(`basket ${context.basket}`);
  return `"${context.file}"` + (parts.length > 0 ? ` (${parts.join(", ")})` : "");
}

/** Builds a RootFormatError whose message follows `Cannot <action> <subject>: <reason>`. */
export function rootError(
  code: RootErrorCode,
  action: string,
  context: RootContext,
  reason: string,
  cause?: unknown,
): RootFormatError {
  return new RootFormatError(
    code,
    `Cannot ${action} ${describe(context)}: ${reason}`,
    cause === undefined ? undefined : { cause },
  );
}
