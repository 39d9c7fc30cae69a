/**
 * Selections: triggers per primary dataset, categories (flat and cartesian).
 * @module
 */
export { type CategoriesSpec, type CategoryDefinition, expandCategories } from "./categories.ts";
export { type TriggerContext, triggerMask, type TriggerSpec } from "./trigger.ts";
