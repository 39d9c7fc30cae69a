/**
 * CMS-style plots of a run's output: a renderer-neutral figure model (stacks with ratio panel
 * and uncertainty band, shapes, systematic shifts, cutflows), a hand-written SVG renderer
 * rasterised to PNG (resvg) and PDF (pdfkit), and a self-contained interactive HTML report.
 * @module
 */
export {
  type Band,
  type Bins,
  blindedBins,
  foldFlow,
  rebinBins,
  rebinPlan,
  uncertaintyBand,
} from "./band.ts";
export {
  gammaQuantile,
  garwoodInterval,
  lnGamma,
  ONE_SIGMA,
  regularizedGammaP,
} from "./garwood.ts";
export {
  buildFigures,
  type BuildOptions,
  type CutflowJson,
  type Figure,
  type FigureKind,
  type Layer,
  loadOutput,
  lumiText,
  type Panel,
  type RunMetadata,
  type RunOutput,
} from "./model.ts";
export {
  cmsPlotter,
  type Format,
  FORMATS,
  parseFormats,
  plotOutput,
  type PlotOutputOptions,
  pool,
  writeFigure,
} from "./plotter.ts";
export { findFonts, type FontFiles, svgToPdf, svgToPng, svgToPngAsync } from "./raster.ts";
export { cutflowTableHtml, renderReport, type ReportInput } from "./report.ts";
export {
  CMS_COLORS,
  DEFAULT_STYLE,
  type GroupStyle,
  loadStyle,
  parseStyle,
  type PlotStyle,
  withLumiFile,
  type YearStyle,
} from "./style.ts";
export { FONT_FAMILY, panelRange, renderSvg, richText, type SvgOptions } from "./svg.ts";
export { formatNumber, linearTicks, logTicks, type Ticks } from "./ticks.ts";
