import { API_VERSION, type ColumnsWriter } from "@ristretto/core/plugin";
import { writeParquet } from "./writer.ts";

/** Parquet as the format of exported columns (`columns:` in an analysis config). */
export function parquetColumnsWriter(): ColumnsWriter {
  return {
    kind: "columns-writer",
    name: "parquet-columns",
    version: "0.1.0",
    apiVersion: API_VERSION,
    extension: "parquet",
    write: (path, columns) => writeParquet(path, new Map(columns)),
  };
}
