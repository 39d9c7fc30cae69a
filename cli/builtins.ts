/**
 * The built-in plugins, registered exactly as a third-party plugin would be.
 * @module
 */
import { API_VERSION, type ColumnsWriter, Registry } from "@ristretto/core/plugin";
import { parquetReader, writeParquet } from "@ristretto/parquet";
import { rootReader } from "@ristretto/root";
import {
  btagFixedWpScaleFactors,
  btagShapeScaleFactors,
  electronScaleFactors,
  jetEnergyResolution,
  jetEnergyScale,
  jetEnergyScaleFlat,
  lumiMaskCut,
  muonScaleFactors,
  pileupWeight,
} from "@ristretto/cms";
import { httpByteSource, xrootdByteSource } from "@ristretto/xrootd";
import { dasSource, httpListingSource, localSource, rucioSource } from "@ristretto/datasets";

/** Parquet as the format of exported columns. */
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

/** A registry holding every built-in plugin. */
export function builtinRegistry(): Registry {
  return new Registry()
    .add(rootReader())
    .add(parquetReader())
    .add(parquetColumnsWriter())
    .add(jetEnergyScaleFlat())
    .add(jetEnergyResolution())
    .add(jetEnergyScale())
    .add(pileupWeight())
    .add(muonScaleFactors())
    .add(electronScaleFactors())
    .add(btagShapeScaleFactors())
    .add(btagFixedWpScaleFactors())
    .add(lumiMaskCut())
    .add(xrootdByteSource())
    .add(httpByteSource())
    .add(dasSource())
    .add(rucioSource())
    .add(localSource())
    .add(httpListingSource());
}
