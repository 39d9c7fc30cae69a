/**
 * The axis union and the factories of every kind.
 * @module
 */
import type { BooleanAxis } from "./boolean.ts";
import type { IntCategoryAxis, StrCategoryAxis } from "./category.ts";
import type { IntegerAxis } from "./integer.ts";
import type { RegularAxis } from "./regular.ts";
import type { VariableAxis } from "./variable.ts";

/** Any axis; switch on `kind`. */
export type Axis =
  | RegularAxis
  | VariableAxis
  | IntegerAxis
  | StrCategoryAxis
  | IntCategoryAxis
  | BooleanAxis;

export { DROPPED } from "./_axis_base.ts";
export type { AxisCommon, AxisOptions, Metadata, MetadataValue, WriterInfo } from "./_axis_base.ts";
export { boolean, BooleanAxis } from "./boolean.ts";
export {
  type CategoryOptions,
  intCategory,
  IntCategoryAxis,
  strCategory,
  StrCategoryAxis,
} from "./category.ts";
export { integer, IntegerAxis, type IntegerOptions } from "./integer.ts";
export { regular, RegularAxis, type RegularOptions } from "./regular.ts";
export { variable, VariableAxis, type VariableOptions } from "./variable.ts";
