/**
 * The static renderer: a {@link Figure} -> SVG text in the CMS style (mplhep): TeX Gyre Heros,
 * ticks inward on all four sides with minor ticks, x title at the right end and y title at the
 * top, bold "CMS" + italic label and the luminosity above the frame, data as black points with
 * Garwood intervals, a frameless legend. Written by hand (no plotting library) with fixed
 * decimal places, so the same figure always gives the same bytes.
 * @module
 */
import type { Figure, Layer, Panel } from "./model.ts";
import { linearTicks, logTicks, type Ticks } from "./ticks.ts";

/** The font family the SVG names; the rasteriser is given exactly these font files. */
export const FONT_FAMILY = "TeX Gyre Heros";

/** Canvas size and frame placement, in SVG user units (px at zoom 1). */
const W = 600;
const LEFT = 92;
const RIGHT = 575;
const TOP = 42;
const MAIN_H_WITH_RATIO = 380;
const MAIN_H_ALONE = 440;
const RATIO_H = 125;
const BOTTOM = 68;
const MAJOR = 9;
const MINOR = 4.5;
const LEGEND_ROW = 19;

const f = (v: number) => (Math.round(v * 100) / 100).toFixed(2).replace(/\.?0+$/, "");
const escapeXml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/**
 * Label markup -> tspans: `_x`/`^x` (a run of letters/digits, or a signed number) and
 * `_{...}`/`^{...}` become sub/superscripts. Shifts use dy (resvg ignores baseline-shift),
 * undone right after the script. `\\_` and `\\^` stand for the characters themselves.
 */
export function richText(text: string, size: number): string {
  const pattern = /\\([_^])|([_^])(\{([^}]*)\}|(-?[A-Za-z0-9]+))/g;
  let out = "";
  let plain = "";
  // The baseline shift still to undo: applied to the next run of plain text, so no invisible
  // placeholder glyph is needed (a glyph missing from the font would change the face).
  let pending = 0;
  const flush = () => {
    if (!plain) return;
    out += pending ? `<tspan dy="${f(pending)}">${escapeXml(plain)}</tspan>` : escapeXml(plain);
    plain = "";
    pending = 0;
  };
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    plain += text.slice(last, match.index);
    last = match.index! + match[0].length;
    if (match[1]) {
      plain += match[1]; // an escaped \_ or \^ is the character itself
      continue;
    }
    flush();
    const shift = match[2] === "^" ? -0.42 * size : 0.22 * size;
    out += `<tspan dy="${f(shift + pending)}" font-size="${f(size * 0.72)}">${
      escapeXml(match[4] ?? match[5])
    }</tspan>`;
    pending = -shift;
  }
  plain += text.slice(last);
  flush();
  return out;
}

/** The y range of a panel: fixed, or from its layers with room above for the legend. */
export function panelRange(panel: Panel, legendFraction = 0): [number, number] {
  if (panel.yRange) return [panel.yRange[0], panel.yRange[1]];
  let max = 0;
  let minPositive = Infinity;
  const see = (v: number) => {
    if (!Number.isFinite(v)) return;
    if (v > max) max = v;
    if (v > 0 && v < minPositive) minPositive = v;
  };
  for (const layer of panel.layers) {
    if (layer.type === "stack") {
      const n = layer.entries[0]?.values.length ?? 0;
      for (let i = 0; i < n; i++) {
        let sum = 0;
        for (const e of layer.entries) {
          sum += e.values[i];
          see(e.values[i]);
        }
        see(sum);
      }
    } else if (layer.type === "line") layer.values.forEach(see);
    else if (layer.type === "band") layer.upper.forEach(see);
    else {
      layer.upper.forEach(see);
      layer.values.forEach(see);
    }
  }
  if (max <= 0) return panel.logY ? [0.1, 10] : [0, 1];
  // The data fill (1 - legendFraction) of the height so the legend above them stays clear.
  const room = 1 / Math.max(0.3, 1 - legendFraction);
  if (panel.logY) {
    const low = Math.pow(10, Math.floor(Math.log10(Math.max(minPositive, max * 1e-6))));
    const decades = Math.log10(max / low);
    return [low, Math.pow(10, Math.log10(low) + decades * room * 1.05)];
  }
  return [0, max * room * 1.05];
}

interface Frame {
  top: number;
  bottom: number;
  low: number;
  high: number;
  log: boolean;
}

const yOf = (frame: Frame, v: number) => {
  if (frame.log) {
    const t = (Math.log10(Math.max(v, frame.low * 1e-3)) - Math.log10(frame.low)) /
      (Math.log10(frame.high) - Math.log10(frame.low));
    return frame.bottom - t * (frame.bottom - frame.top);
  }
  return frame.bottom - (v - frame.low) / (frame.high - frame.low) * (frame.bottom - frame.top);
};

/** Legend entries: data first, then the stack top to bottom, then the rest. */
function legendEntries(panel: Panel): { label: string; swatch: string }[] {
  const out: { label: string; swatch: string }[] = [];
  for (const layer of panel.layers) {
    if (layer.type === "points") {
      out.unshift({
        label: layer.label,
        swatch:
          `<line x1="9" y1="-6" x2="9" y2="6" stroke="#000" stroke-width="1.2"/><circle cx="9" cy="0" r="3" fill="#000"/>`,
      });
    }
  }
  for (const layer of panel.layers) {
    if (layer.type === "stack") {
      for (const e of [...layer.entries].reverse()) {
        out.push({
          label: e.label,
          swatch: `<rect x="0" y="-6" width="18" height="12" fill="${e.color}"/>`,
        });
      }
    } else if (layer.type === "band") {
      out.push({
        label: layer.label,
        swatch:
          `<rect x="0" y="-6" width="18" height="12" fill="url(#hatch)" stroke="#555" stroke-width="0.6"/>`,
      });
    } else if (layer.type === "line") {
      out.push({
        label: layer.label,
        swatch: `<line x1="0" y1="0" x2="18" y2="0" stroke="${layer.color}" stroke-width="2"${
          layer.dashed ? ' stroke-dasharray="5,3"' : ""
        }/>`,
      });
    }
  }
  return out;
}

function stepPath(xs: number[], ys: (number | undefined)[]): string {
  let d = "";
  let open = false;
  for (let i = 0; i + 1 < xs.length; i++) {
    const y = ys[i];
    if (y === undefined || !Number.isFinite(y)) {
      open = false;
      continue;
    }
    d += open ? `L${f(xs[i])} ${f(y)}` : `M${f(xs[i])} ${f(y)}`;
    d += `L${f(xs[i + 1])} ${f(y)}`;
    open = true;
  }
  return d;
}

/**
 * One layer's SVG. Coordinates are clamped to the frame instead of using a clip path: every
 * shape is axis-aligned, so clamping is exact, and svg-to-pdfkit spends much time on clip paths.
 */
function drawLayer(layer: Layer, xs: number[], frame: Frame): string {
  const y = (v: number) => Math.min(frame.bottom, Math.max(frame.top, yOf(frame, v)));
  const n = xs.length - 1;
  switch (layer.type) {
    case "stack": {
      let out = "";
      const base = new Array(n).fill(0);
      for (const e of layer.entries) {
        const top = base.map((b, i) => b + (Number.isFinite(e.values[i]) ? e.values[i] : 0));
        let d = "";
        for (let i = 0; i < n; i++) {
          if (!(top[i] > base[i])) continue;
          const y0 = frame.log && base[i] <= 0 ? frame.bottom : y(base[i]);
          d += `M${f(xs[i])} ${f(y0)}V${f(y(top[i]))}H${f(xs[i + 1])}V${f(y0)}Z`;
        }
        if (d) out += `<path d="${d}" fill="${e.color}" stroke="${e.color}" stroke-width="0.4"/>`;
        for (let i = 0; i < n; i++) base[i] = top[i];
      }
      if (layer.entries.length > 0) {
        out += `<path d="${
          stepPath(xs, base.map(y))
        }" fill="none" stroke="#000" stroke-width="0.8"/>`;
      }
      return out;
    }
    case "band": {
      let d = "";
      for (let i = 0; i < n; i++) {
        const lo = layer.lower[i];
        const hi = layer.upper[i];
        if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(hi > lo)) continue;
        d += `M${f(xs[i])} ${f(y(lo))}V${f(y(hi))}H${f(xs[i + 1])}V${f(y(lo))}Z`;
      }
      return d ? `<path d="${d}" fill="url(#hatch)" stroke="none"/>` : "";
    }
    case "line": {
      const d = stepPath(xs, layer.values.map((v) => Number.isFinite(v) ? y(v) : undefined));
      return d
        ? `<path d="${d}" fill="none" stroke="${layer.color}" stroke-width="1.8"${
          layer.dashed ? ' stroke-dasharray="6,3"' : ""
        }/>`
        : "";
    }
    case "points": {
      let bars = "";
      let dots = "";
      for (let i = 0; i < n; i++) {
        const v = layer.values[i];
        if (!Number.isFinite(v)) continue;
        const cx = (xs[i] + xs[i + 1]) / 2;
        const lo = layer.lower[i];
        const hi = layer.upper[i];
        if (Number.isFinite(lo) && Number.isFinite(hi)) bars += `M${f(cx)} ${f(y(lo))}V${f(y(hi))}`;
        // Empty bins keep their error bar (the Garwood upper limit) but no marker on the axis.
        const cy = yOf(frame, v);
        const inside = cy >= frame.top - 0.5 && cy <= frame.bottom + 0.5;
        if (inside && (v > 0 || !frame.log)) {
          dots += `<circle cx="${f(cx)}" cy="${f(cy)}" r="3.2"/>`;
        }
      }
      return `<path d="${bars}" stroke="#000" stroke-width="1.3" fill="none"/><g fill="#000">${dots}</g>`;
    }
  }
}

function tickMarks(
  ticks: Ticks,
  axis: "x" | "y",
  at: (v: number) => number,
  frame: { x0: number; x1: number; y0: number; y1: number },
): string {
  let d = "";
  const mark = (v: number, len: number) => {
    const p = at(v);
    if (axis === "x") {
      d += `M${f(p)} ${f(frame.y1)}v${-len}M${f(p)} ${f(frame.y0)}v${len}`;
    } else {
      d += `M${f(frame.x0)} ${f(p)}h${len}M${f(frame.x1)} ${f(p)}h${-len}`;
    }
  };
  ticks.major.forEach((v) => mark(v, MAJOR));
  ticks.minor.forEach((v) => mark(v, MINOR));
  return `<path d="${d}" stroke="#000" stroke-width="1" fill="none"/>`;
}

function yTicks(frame: Frame): Ticks {
  return frame.log
    ? logTicks(frame.low, frame.high)
    : linearTicks(frame.low, frame.high, Math.max(3, Math.round((frame.bottom - frame.top) / 70)));
}

/** Options of {@link renderSvg}. */
export interface SvgOptions {
  /** Draw the legend (default true). */
  readonly legend?: boolean;
}

/** The SVG of a figure (width 600 user units; the height depends on the ratio panel). */
export function renderSvg(figure: Figure, options: SvgOptions = {}): string {
  const hasRatio = figure.ratio !== undefined;
  const mainH = hasRatio ? MAIN_H_WITH_RATIO : MAIN_H_ALONE;
  const mainBottom = TOP + mainH;
  const ratioBottom = mainBottom + (hasRatio ? RATIO_H : 0);
  const H = ratioBottom + BOTTOM + (figure.xTickLabels ? 24 : 0);
  const edges = figure.edges;
  const x0 = edges[0];
  const x1 = edges[edges.length - 1];
  const xAt = (v: number) => LEFT + (v - x0) / (x1 - x0) * (RIGHT - LEFT);
  const xs = edges.map(xAt);
  const legend = options.legend === false ? [] : legendEntries(figure.main);
  const legendFraction = (legend.length * LEGEND_ROW + 22) / mainH;
  const [low, high] = panelRange(figure.main, legendFraction);
  const mainFrame: Frame = { top: TOP, bottom: mainBottom, low, high, log: figure.main.logY };
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${FONT_FAMILY}">`,
    `<defs><pattern id="hatch" patternUnits="userSpaceOnUse" width="6" height="6"><path d="M-1 7L7 -1M-1 1L1 -1M5 7L7 5" stroke="#5a5a5a" stroke-width="0.8"/></pattern>`,
    `</defs>`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
  );
  // Main panel.
  for (const layer of figure.main.layers) parts.push(drawLayer(layer, xs, mainFrame));
  const panels: [Frame, Panel][] = [[mainFrame, figure.main]];
  if (hasRatio) {
    const ratio = figure.ratio!;
    const [rl, rh] = panelRange(ratio);
    const ratioFrame: Frame = {
      top: mainBottom,
      bottom: ratioBottom,
      low: rl,
      high: rh,
      log: false,
    };
    if (ratio.reference !== undefined) {
      const y = f(yOf(ratioFrame, ratio.reference));
      parts.push(
        `<path d="M${LEFT} ${y}H${RIGHT}" stroke="#000" stroke-width="0.8" stroke-dasharray="4,3"/>`,
      );
    }
    for (const layer of ratio.layers) parts.push(drawLayer(layer, xs, ratioFrame));
    panels.push([ratioFrame, ratio]);
  }
  // Frames, ticks and tick labels.
  const xTicks = figure.xTickLabels
    ? {
      major: edges.slice(0, -1).map((e, i) => (e + edges[i + 1]) / 2),
      minor: [],
      labels: figure.xTickLabels,
      exponent: 0,
    }
    : linearTicks(x0, x1, 6);
  panels.forEach(([frame, panel], index) => {
    const box = { x0: LEFT, x1: RIGHT, y0: frame.top, y1: frame.bottom };
    parts.push(
      `<rect x="${LEFT}" y="${f(frame.top)}" width="${RIGHT - LEFT}" height="${
        f(frame.bottom - frame.top)
      }" fill="none" stroke="#000" stroke-width="1.2"/>`,
      tickMarks(xTicks, "x", xAt, box),
    );
    const ticks = yTicks(frame);
    parts.push(tickMarks(ticks, "y", (v) => yOf(frame, v), box));
    const isRatio = index > 0;
    const size = isRatio ? 14 : 16;
    ticks.major.forEach((v, i) => {
      const y = yOf(frame, v);
      // Ratio panel: the top label would collide with the main panel's lowest one.
      if (isRatio && (Math.abs(y - frame.top) < 3 || Math.abs(y - frame.bottom) < 3)) return;
      if (!isRatio && hasRatio && Math.abs(y - frame.bottom) < 3) return;
      parts.push(
        `<text x="${LEFT - 7}" y="${f(y + size * 0.35)}" font-size="${size}" text-anchor="end">${
          richText(ticks.labels[i], size)
        }</text>`,
      );
    });
    if (ticks.exponent !== 0) {
      parts.push(
        // Left of the frame's top corner: above it stands the CMS label.
        `<text x="${LEFT - 4}" y="${f(frame.top - 6)}" font-size="14" text-anchor="end">${
          richText(`×10^{${ticks.exponent}}`, 14)
        }</text>`,
      );
    }
    // y title at the top of its panel (rotated, end-anchored).
    const titleSize = isRatio ? 15 : 18;
    parts.push(
      `<text transform="translate(${LEFT - (isRatio ? 50 : 58)} ${
        f(frame.top)
      }) rotate(-90)" font-size="${titleSize}" text-anchor="end">${
        richText(panel.yLabel, titleSize)
      }</text>`,
    );
  });
  // x tick labels and title below the lowest panel.
  const lowest = hasRatio ? ratioBottom : mainBottom;
  xTicks.major.forEach((v, i) => {
    const x = xAt(v);
    if (figure.xTickLabels) {
      parts.push(
        `<text transform="translate(${f(x + 4)} ${
          f(lowest + 14)
        }) rotate(-30)" font-size="14" text-anchor="end">${escapeXml(xTicks.labels[i])}</text>`,
      );
    } else {
      parts.push(
        `<text x="${f(x)}" y="${f(lowest + 20)}" font-size="16" text-anchor="middle">${
          richText(xTicks.labels[i], 16)
        }</text>`,
      );
    }
  });
  parts.push(
    `<text x="${RIGHT}" y="${f(H - 14)}" font-size="18" text-anchor="end">${
      richText(figure.xLabel, 18)
    }</text>`,
  );
  // CMS label and luminosity above the frame.
  parts.push(
    `<text x="${LEFT}" y="${
      TOP - 9
    }" font-size="22"><tspan font-weight="bold">CMS</tspan><tspan font-style="italic" font-size="17"> ${
      escapeXml(figure.cmsLabel)
    }</tspan></text>`,
    `<text x="${RIGHT}" y="${TOP - 9}" font-size="16" text-anchor="end">${
      richText(figure.lumiText, 16)
    }</text>`,
  );
  // Category/year tag inside the frame, top left; legend top right; no frames.
  const tag = figure.kind === "cutflow"
    ? `${figure.year}`
    : `${figure.category}, ${figure.year}${figure.variation ? ", " + figure.variation : ""}`;
  parts.push(
    `<text x="${LEFT + 14}" y="${TOP + 26}" font-size="15">${escapeXml(tag)}</text>`,
  );
  legend.forEach((entry, i) => {
    const y = TOP + 22 + i * LEGEND_ROW;
    parts.push(
      `<g transform="translate(${
        RIGHT - 190
      } ${y})">${entry.swatch}<text x="26" y="5" font-size="14">${
        richText(entry.label, 14)
      }</text></g>`,
    );
  });
  parts.push(`</svg>`);
  return parts.join("\n") + "\n";
}
