/**
 * Built datasets (PocketCoffea's layout) as the pipeline consumes them.
 * @module
 */
export {
  type BuiltDataset,
  type DatasetFilter,
  filterDatasets,
  normaliseDataset,
  readBuiltDatasets,
} from "./built_dataset.ts";
