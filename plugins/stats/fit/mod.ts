/**
 * The binned likelihood fit: model compilation from a HistFactory workspace, minimiser,
 * best fit with Hessian uncertainties, profile scans and intervals, significances.
 * @module
 */
export {
  type ChannelInfo,
  compileModel,
  type CompileOptions,
  type ConstraintKind,
  type FitData,
  Model,
  type ParameterInfo,
} from "./model.ts";
export {
  hessian,
  type HessianOptions,
  minimize,
  type MinimizeOptions,
  type MinimizeResult,
  type Objective,
} from "./minimize.ts";
export {
  asimovData,
  type AsimovOptions,
  covarianceAt,
  type CovarianceOptions,
  discoverySignificance,
  expectedSignificance,
  fit,
  type FitOptions,
  type FitResult,
  type IntervalOptions,
  type ProfileInterval,
  profileInterval,
  profileScan,
  type ScanOptions,
  type ScanPoint,
  type Significance,
} from "./fit.ts";
export { lgamma } from "./_math.ts";
