/**
 * Histogram files: TH1D / TH2D with errors (fSumw2), fixed or variable binning and flow bins,
 * written into (sub)directories, and the conversion of Ristretto histograms to the shape
 * naming of CMS Combine (process, process_systUp/Down, data_obs per category directory).
 * @module
 */
import type { Hist } from "@ristretto/core/hist";
import type { Codec } from "./_decompress.ts";
import { WBuffer } from "./_wbuffer.ts";
import { createRootFile, type RootFileWriter } from "./writer.ts";

/**
 * A histogram as arrays: edges per axis (1 or 2 axes), values and variances over all bins
 * including under/overflow, x fastest ((nx + 2) * (ny + 2) for 2D, ROOT's layout).
 */
export interface HistData {
  readonly edges: readonly ArrayLike<number>[];
  readonly values: ArrayLike<number>;
  readonly variances?: ArrayLike<number>;
  /** fEntries (default: the sum of values, flow included). */
  readonly entries?: number;
  readonly title?: string;
  /** Axis titles. */
  readonly labels?: readonly string[];
}

/** One histogram to write: its path in the file ("dir/sub/name") and content. */
export interface HistEntry {
  readonly path: string;
  readonly hist: Hist | HistData;
}

/** Options of writeHistogramFile. */
export interface HistFileOptions {
  /** Compression (default ZLIB level 1: small objects, read everywhere). */
  readonly codec?: Codec;
  readonly level?: number;
  /** See RootWriteOptions.largeFrom. */
  readonly largeFrom?: number;
}

function _isHist(h: Hist | HistData): h is Hist {
  return typeof (h as Hist).values === "function";
}

/**
 * HistData of a Ristretto Hist with 1 or 2 continuous axes (regular, variable, integer).
 * Axes without flow bins get empty ones; values become x-fastest as ROOT stores them.
 */
export function histData(h: Hist, title = ""): HistData {
  const axes = h.axes;
  if (axes.length < 1 || axes.length > 2) {
    throw new Error(
      `only 1D and 2D histograms become TH1D/TH2D (this one has ${axes.length} axes)`,
    );
  }
  const edges: Float64Array[] = [];
  for (const a of axes) {
    if (!("edges" in a) || typeof a.edges !== "function") {
      throw new Error(`axis "${a.name}" (${a.kind}) has no edges; select a category first`);
    }
    edges.push(a.edges());
  }
  const values = h.values({ flow: true });
  const variances = h.variances({ flow: true });
  const dims = axes.map((a) => a.bins + 2);
  const n = dims.reduce((p, x) => p * x, 1);
  const v = new Float64Array(n);
  const e = new Float64Array(n);
  // Storage index of a ROOT bin (0 = underflow .. bins + 1 = overflow) on axis k.
  const pos = (k: number, bin: number): number => {
    const a = axes[k];
    const u = a.underflow ? 1 : 0;
    if (bin === 0) return a.underflow ? 0 : -1;
    if (bin === a.bins + 1) return a.overflow ? a.bins + u : -1;
    return bin - 1 + u;
  };
  if (axes.length === 1) {
    for (let i = 0; i < dims[0]; i++) {
      const p = pos(0, i);
      if (p >= 0) {
        v[i] = values[p];
        e[i] = variances[p];
      }
    }
  } else {
    const extentY = axes[1].extent;
    for (let iy = 0; iy < dims[1]; iy++) {
      const py = pos(1, iy);
      if (py < 0) continue;
      for (let ix = 0; ix < dims[0]; ix++) {
        const px = pos(0, ix);
        if (px < 0) continue;
        // Hist storage is row-major (last axis fastest); ROOT's is x fastest.
        v[ix + dims[0] * iy] = values[px * extentY + py];
        e[ix + dims[0] * iy] = variances[px * extentY + py];
      }
    }
  }
  return { edges, values: v, variances: e, title, labels: axes.map((a) => a.label || a.name) };
}

function _regular(edges: ArrayLike<number>): boolean {
  const n = edges.length - 1;
  const w = (edges[n] - edges[0]) / n;
  for (let i = 0; i <= n; i++) {
    if (Math.abs(edges[0] + i * w - edges[i]) > 1e-9 * Math.max(1, Math.abs(edges[i]))) {
      return false;
    }
  }
  return true;
}

function _axis(w: WBuffer, name: string, title: string, edges: ArrayLike<number>): void {
  const at = w.startVersion(10);
  w.tNamed(name, title);
  const a = w.startVersion(4); // TAttAxis: ROOT's default look
  w.i32(510);
  w.i16(1);
  w.i16(1);
  w.i16(42);
  w.f32(0.005);
  w.f32(0.035);
  w.f32(0.03);
  w.f32(1);
  w.f32(0.035);
  w.i16(1);
  w.i16(42);
  w.endVersion(a);
  const n = edges.length - 1;
  w.i32(n);
  w.f64(edges[0]);
  w.f64(edges[n]);
  if (_regular(edges)) w.i32(0);
  else {
    w.i32(edges.length);
    for (let i = 0; i < edges.length; i++) w.f64(edges[i]);
  }
  w.i32(0); // fFirst
  w.i32(0); // fLast
  w.u16(0); // fBits2
  w.u8(0); // fTimeDisplay
  w.string(""); // fTimeFormat
  w.u32(0); // fLabels
  w.u32(0); // fModLabs
  w.endVersion(at);
}

/** Serialises a TH1D or TH2D object (a key's object: no class tag) into w. */
function _streamHist(w: WBuffer, name: string, h: HistData): void {
  const dim = h.edges.length;
  if (dim !== 1 && dim !== 2) throw new Error(`histogram "${name}" has ${dim} axes`);
  const nx = h.edges[0].length - 1;
  const ny = dim === 2 ? h.edges[1].length - 1 : 0;
  const ncells = dim === 2 ? (nx + 2) * (ny + 2) : nx + 2;
  if (h.values.length !== ncells || (h.variances && h.variances.length !== ncells)) {
    throw new Error(
      `histogram "${name}" needs ${ncells} values (flow bins included), got ${h.values.length}`,
    );
  }
  const variances = h.variances ?? h.values;
  // Statistics over the in-range bins at bin centres, as ROOT fills them.
  const cx = (i: number) => 0.5 * (h.edges[0][i - 1] + h.edges[0][i]);
  const cy = (j: number) => 0.5 * (h.edges[1][j - 1] + h.edges[1][j]);
  let sw = 0, sw2 = 0, swx = 0, swx2 = 0, swy = 0, swy2 = 0, swxy = 0, total = 0;
  for (let c = 0; c < ncells; c++) total += h.values[c];
  for (let j = dim === 2 ? 1 : 0; j <= (dim === 2 ? ny : 0); j++) {
    for (let i = 1; i <= nx; i++) {
      const c = i + (nx + 2) * j;
      const wgt = h.values[c];
      const x = cx(i);
      sw += wgt;
      sw2 += variances[c];
      swx += wgt * x;
      swx2 += wgt * x * x;
      if (dim === 2) {
        const y = cy(j);
        swy += wgt * y;
        swy2 += wgt * y * y;
        swxy += wgt * x * y;
      }
    }
  }
  const labels = h.labels ?? [];
  {
    const outer = w.startVersion(dim === 1 ? 3 : 4);
    const th2 = dim === 2 ? w.startVersion(5) : -1;
    const th1 = w.startVersion(8);
    w.tNamed(name, h.title ?? "");
    w.tAttLine();
    w.tAttFill();
    w.tAttMarker();
    w.i32(ncells);
    _axis(w, "xaxis", labels[0] ?? "", h.edges[0]);
    _axis(w, "yaxis", labels[1] ?? "", dim === 2 ? h.edges[1] : [0, 1]);
    _axis(w, "zaxis", "", [0, 1]);
    w.i16(0); // fBarOffset
    w.i16(1000); // fBarWidth
    w.f64(h.entries ?? total);
    w.f64(sw);
    w.f64(sw2);
    w.f64(swx);
    w.f64(swx2);
    w.f64(-1111); // fMaximum
    w.f64(-1111); // fMinimum
    w.f64(0); // fNormFactor
    w.i32(0); // fContour
    w.i32(ncells); // fSumw2
    for (let c = 0; c < ncells; c++) w.f64(variances[c]);
    w.string(""); // fOption
    // fFunctions is declared "->" (never null): streamed in place, without a class tag.
    const l = w.startVersion(5);
    w.tObject();
    w.string("");
    w.i32(0);
    w.endVersion(l);
    w.i32(0); // fBufferSize
    w.u8(0); // fBuffer: null
    w.i32(0); // fBinStatErrOpt: kNormal
    w.i32(2); // fStatOverflows: kNeutral
    w.endVersion(th1);
    if (dim === 2) {
      w.f64(1); // fScalefactor
      w.f64(swy);
      w.f64(swy2);
      w.f64(swxy);
      w.endVersion(th2);
    }
    w.i32(ncells); // TArrayD base: the bin contents
    for (let c = 0; c < ncells; c++) w.f64(h.values[c]);
    w.endVersion(outer);
  }
}

/** Writes one histogram into an open file at "dir/sub/name". */
export async function writeHistogram(
  file: RootFileWriter,
  entry: HistEntry,
): Promise<void> {
  const parts = entry.path.split("/").filter((p) => p.length > 0);
  const name = parts.pop();
  if (name === undefined) throw new Error(`empty histogram path "${entry.path}"`);
  const data = _isHist(entry.hist) ? histData(entry.hist, name) : entry.hist;
  await file.appendObject(
    parts,
    { className: data.edges.length === 2 ? "TH2D" : "TH1D", name, title: data.title ?? "" },
    (keylen) => {
      const w = new WBuffer(1024, keylen);
      _streamHist(w, name, data);
      return w.result().slice();
    },
  );
}

/**
 * Writes named histograms into a new ROOT file, creating the directories of their paths.
 *
 * @example
 * ```ts ignore
 * await writeHistogramFile("shapes.root", [{ path: "Zmumu/DY", hist }]);
 * ```
 */
export async function writeHistogramFile(
  path: string,
  entries: readonly HistEntry[],
  options: HistFileOptions = {},
): Promise<void> {
  const file = await createRootFile(path, {
    codec: options.codec ?? "ZLIB",
    level: options.level ?? 1,
    largeFrom: options.largeFrom,
  });
  try {
    for (const e of entries) await writeHistogram(file, e);
  } catch (error) {
    await file.abort();
    throw error;
  }
  await file.close();
}

/** Options of combineShapes. */
export interface CombineOptions {
  /** Histogram name in the output folder (`histograms/<name>.json`); needed with a folder. */
  readonly histogram?: string;
  /** Categories to export (default: every category of the histograms). */
  readonly categories?: readonly string[];
  /** Combine process name -> Ristretto samples summed into it. */
  readonly processes: Readonly<Record<string, readonly string[]>>;
  /** Data samples summed into `data_obs` (nominal only). */
  readonly data?: readonly string[];
  /** Category axis name (default "cat"). */
  readonly categoryAxis?: string;
  /** Variation axis name (default "variation"); "nominal" and `<syst>Up/Down` are expected. */
  readonly variationAxis?: string;
}

/**
 * Ristretto histograms in Combine's shape layout: per category directory, one histogram per
 * process (nominal), `process_systUp` / `process_systDown` per variation, and `data_obs`.
 * The source is an output folder (its `histograms/<histogram>.json`) or the entries of one
 * histogram document ("<sample>/<dataset>" -> Hist). Returns entries for writeHistogramFile.
 *
 * @example
 * ```ts ignore
 * const shapes = await combineShapes("out/zmumu", {
 *   histogram: "dimuon_mass",
 *   processes: { DY: ["DYJetsToLL"], ttbar: ["TTTo2L2Nu", "TTToSemiLeptonic"] },
 *   data: ["DATA_SingleMuon"],
 * });
 * await writeHistogramFile("shapes.root", shapes);
 * ```
 */
export async function combineShapes(
  source: string | Readonly<Record<string, Hist>>,
  options: CombineOptions,
): Promise<HistEntry[]> {
  let hists: Readonly<Record<string, Hist>>;
  if (typeof source === "string") {
    if (!options.histogram) throw new Error("combineShapes: name the histogram to export");
    const { fromUHI, parseUHI } = await import("@ristretto/core/hist");
    const text = await Deno.readTextFile(`${source}/histograms/${options.histogram}.json`);
    hists = fromUHI(parseUHI(text));
  } else hists = source;
  const catAxis = options.categoryAxis ?? "cat";
  const varAxis = options.variationAxis ?? "variation";
  const sampleOf = (key: string) => key.split("/")[0];
  const bySample = (samples: readonly string[]) =>
    Object.entries(hists).filter(([k]) => samples.includes(sampleOf(k)) || samples.includes(k))
      .map(([, h]) => h);
  const categoriesOf = (h: Hist): string[] => {
    const a = h.axis(catAxis);
    return a.kind === "strCategory" ? [...a.categories] : [];
  };
  const all = Object.values(hists);
  if (all.length === 0) throw new Error("combineShapes: no histograms");
  const categories = options.categories ?? categoriesOf(all[0]);
  const out: HistEntry[] = [];
  const sum = (list: Hist[], category: string, variation: string): Hist | undefined => {
    let total: Hist | undefined;
    for (const h of list) {
      const v = h.axis(varAxis);
      if (v.kind !== "strCategory" || !v.categories.includes(variation)) continue;
      if (!categoriesOf(h).includes(category)) continue;
      const part = h.select({ [catAxis]: category, [varAxis]: variation });
      total = total ? total.add(part) : part.copy();
    }
    return total;
  };
  for (const category of categories) {
    for (const [process, samples] of Object.entries(options.processes)) {
      const list = bySample(samples);
      const variations = new Set<string>();
      for (const h of list) {
        const v = h.axis(varAxis);
        if (v.kind === "strCategory") { for (const c of v.categories) variations.add(c); }
      }
      for (const variation of variations) {
        const h = sum(list, category, variation);
        if (h === undefined) continue;
        // Combine reads systematics as <process>_<syst>Up / Down: the variation names already
        // end in Up / Down.
        const name = variation === "nominal" ? process : `${process}_${variation}`;
        out.push({ path: `${category}/${name}`, hist: histData(h, name) });
      }
    }
    if (options.data && options.data.length > 0) {
      const h = sum(bySample(options.data), category, "nominal");
      if (h) out.push({ path: `${category}/data_obs`, hist: histData(h, "data_obs") });
    }
  }
  return out;
}
