/**
 * The interactive report: one self-contained HTML file (uPlot's JS and CSS inlined from the npm
 * package, the figures as JSON) that a browser opens from disk with no server. Navigation by
 * figure kind, variable, category, year and variation; the same stack + ratio + band as the static
 * figures; log-y toggle; zoom linked across the two panels; hover readout of bin contents; the
 * cutflow table and the run's metadata.
 * @module
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CutflowJson, Figure, RunMetadata } from "./model.ts";
import { panelRange } from "./svg.ts";

/** uPlot's browser build and stylesheet, read from the npm package. */
async function uplotAssets(): Promise<{ js: string; css: string }> {
  const dist = dirname(fileURLToPath(import.meta.resolve("uplot")));
  return {
    js: await Deno.readTextFile(join(dist, "uPlot.iife.min.js")),
    css: await Deno.readTextFile(join(dist, "uPlot.min.css")),
  };
}

/** `</script>` inside inlined text would end the script element early. */
const safeScript = (text: string) => text.replace(/<\/(script)/gi, "<\\/$1");
const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** The cutflow as an HTML table: one row per dataset/sample, events (and normalised yield). */
export function cutflowTableHtml(cutflow: CutflowJson): string {
  let steps: string[] = [];
  for (const samples of Object.values(cutflow)) {
    for (const variations of Object.values(samples)) {
      const keys = Object.keys(variations.nominal ?? {});
      if (keys.length > steps.length) steps = keys;
    }
  }
  const rows: string[] = [];
  for (const dataset of Object.keys(cutflow).sort()) {
    for (const sample of Object.keys(cutflow[dataset]).sort()) {
      const nominal = cutflow[dataset][sample].nominal ?? {};
      const cells = steps.map((s) => {
        const e = nominal[s];
        if (!e) return "<td></td>";
        const scaled = e.sumw_scaled !== e.events
          ? `<br><small>${e.sumw_scaled.toPrecision(5)}</small>`
          : "";
        return `<td>${e.events}${scaled}</td>`;
      }).join("");
      rows.push(
        `<tr><th>${escapeHtml(sample)}<br><small>${escapeHtml(dataset)}</small></th>${cells}</tr>`,
      );
    }
  }
  return `<table class="cutflow"><thead><tr><th>sample / dataset</th>${
    steps.map((s) => `<th>${escapeHtml(s)}</th>`).join("")
  }</tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

/** Inputs of {@link renderReport}. */
export interface ReportInput {
  readonly figures: readonly Figure[];
  readonly cutflow: CutflowJson;
  readonly metadata: RunMetadata;
  readonly title?: string;
}

/** The whole report HTML. */
export async function renderReport(input: ReportInput): Promise<string> {
  const { js, css } = await uplotAssets();
  const figures = input.figures.map((figure) => ({
    ...figure,
    rangeLinear: panelRange({ ...figure.main, logY: false }),
    rangeLog: panelRange({ ...figure.main, logY: true }),
    ratioRange: figure.ratio ? panelRange(figure.ratio) : undefined,
  }));
  // NaN is not JSON: null stands for "nothing drawn in this bin".
  const data = JSON.stringify({ figures, metadata: input.metadata })
    .replace(/</g, "\\u003c");
  const title = escapeHtml(input.title ?? `Ristretto report: ${input.metadata.config ?? ""}`);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>${css}</style>
<style>${REPORT_CSS}</style>
</head><body>
<header><h1>${title}</h1>
<nav>
<label>kind <select id="kind"></select></label>
<label>variable <select id="histogram"></select></label>
<label>category <select id="category"></select></label>
<label>year <select id="year"></select></label>
<label>variation <select id="variation"></select></label>
<label><input type="checkbox" id="logy"> log y</label>
<button id="reset">reset zoom</button>
</nav></header>
<main>
<section id="figure"><div id="heading"></div><div id="main-plot"></div><div id="ratio-plot"></div>
<div id="legend"></div><pre id="readout">hover a bin</pre></section>
<section><h2>Cutflow</h2>${cutflowTableHtml(input.cutflow)}</section>
<section><h2>Run metadata</h2><pre id="metadata"></pre></section>
</main>
<script id="data" type="application/json">${data}</script>
<script>${safeScript(js)}</script>
<script>${safeScript(REPORT_JS)}</script>
</body></html>
`;
}

const REPORT_CSS = `
body { font-family: "TeX Gyre Heros", Helvetica, Arial, sans-serif; margin: 0; color: #111; }
header { background: #f4f4f6; padding: 8px 16px; border-bottom: 1px solid #ccc; }
h1 { font-size: 18px; margin: 4px 0 8px; }
nav label { margin-right: 12px; font-size: 14px; }
main { padding: 8px 16px; }
#heading { font-size: 15px; margin: 6px 0; }
#heading b { font-size: 18px; }
#legend span { display: inline-block; margin-right: 14px; font-size: 13px; }
#legend i { display: inline-block; width: 14px; height: 10px; margin-right: 4px; vertical-align: middle; }
#readout { background: #fafafa; border: 1px solid #ddd; padding: 6px; font-size: 12px; min-height: 5em; width: 720px; }
table.cutflow { border-collapse: collapse; font-size: 12px; }
table.cutflow td, table.cutflow th { border: 1px solid #ccc; padding: 3px 6px; text-align: right; }
table.cutflow th:first-child { text-align: left; }
#metadata { font-size: 12px; background: #fafafa; padding: 6px; max-width: 900px; overflow: auto; }
`;

// The browser side: plain ES2018 so any recent browser runs it; no network access at all.
const REPORT_JS = `
"use strict";
(function () {
  var DATA = JSON.parse(document.getElementById("data").textContent);
  var figures = DATA.figures;
  document.getElementById("metadata").textContent = JSON.stringify(DATA.metadata, null, 1);
  var fields = ["kind", "histogram", "category", "year", "variation"];
  var select = {};
  fields.forEach(function (f) { select[f] = document.getElementById(f); });
  var logy = document.getElementById("logy");
  var plots = [];
  var current = null;

  function unique(list) { return list.filter(function (v, i) { return list.indexOf(v) === i; }); }
  function fill(field, options, value) {
    var s = select[field];
    s.innerHTML = "";
    options.forEach(function (o) { var e = document.createElement("option"); e.value = o; e.textContent = o || "-"; s.appendChild(e); });
    s.value = options.indexOf(value) >= 0 ? value : options[0];
    s.disabled = options.length <= 1 && !options[0];
  }
  // Each choice narrows the next ones, so every combination offered exists.
  function refresh(changed) {
    var chosen = {};
    var pool = figures;
    var start = changed ? fields.indexOf(changed) : -1;
    fields.forEach(function (f, i) {
      var options = unique(pool.map(function (fig) { return fig[f] || ""; }));
      var want = i <= start ? select[f].value : (select[f].value || options[0]);
      fill(f, options, want);
      chosen[f] = select[f].value;
      pool = pool.filter(function (fig) { return (fig[f] || "") === chosen[f]; });
    });
    current = pool[0];
    if (!logy.dataset.touched) logy.checked = !!(current && current.main.logY);
    draw();
  }
  fields.forEach(function (f) { select[f].addEventListener("change", function () { refresh(f); }); });
  logy.addEventListener("change", function () { logy.dataset.touched = "1"; draw(); });
  document.getElementById("reset").addEventListener("click", draw);

  function plain(text) { return String(text).replace(/[&<>]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;" }[c]; }); }
  function markup(text) {
    return String(text).replace(/[&<>]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;" }[c]; })
      .replace(/\\\\([_^])|([_^])(\\{([^}]*)\\}|(-?[A-Za-z0-9]+))/g, function (m, e, k, a, b, c) {
        if (e) return e;
        return (k === "^" ? "<sup>" : "<sub>") + (b || c) + (k === "^" ? "</sup>" : "</sub>");
      });
  }
  function stepData(values, floor) {
    var out = values.map(function (v) { return v === null || !isFinite(v) ? null : Math.max(v, floor); });
    out.push(out[out.length - 1]);
    return out;
  }
  var hatch = null;
  function hatchPattern(ctx) {
    if (hatch) return hatch;
    var c = document.createElement("canvas"); c.width = 8; c.height = 8;
    var g = c.getContext("2d"); g.strokeStyle = "#555"; g.lineWidth = 1;
    g.beginPath(); g.moveTo(0, 8); g.lineTo(8, 0); g.moveTo(-2, 2); g.lineTo(2, -2); g.moveTo(6, 10); g.lineTo(10, 6); g.stroke();
    hatch = ctx.createPattern(c, "repeat");
    return hatch;
  }
  function binOf(edges, x) {
    if (!(x >= edges[0]) || !(x < edges[edges.length - 1])) return -1;
    var lo = 0, hi = edges.length - 1;
    while (hi - lo > 1) { var mid = (lo + hi) >> 1; if (edges[mid] <= x) lo = mid; else hi = mid; }
    return lo;
  }
  function fmt(v) { return v === null || v === undefined || !isFinite(v) ? "-" : Number(v.toPrecision(5)).toString(); }

  // Series for one panel: stack (cumulative, top first so lower fills cover higher) and lines;
  // bands and points are drawn in the draw hook.
  function buildPanel(panel, edges, log, range) {
    var floor = log ? range[0] * 1e-3 : -Infinity;
    var series = [{}];
    var data = [edges.slice()];
    var extras = [];
    panel.layers.forEach(function (layer) {
      if (layer.type === "stack") {
        var n = edges.length - 1;
        var cumulative = [];
        var base = new Array(n).fill(0);
        layer.entries.forEach(function (e) {
          base = base.map(function (b, i) { return b + (e.values[i] || 0); });
          cumulative.push({ label: e.label, color: e.color, values: base.slice() });
        });
        cumulative.reverse().forEach(function (c, k) {
          series.push({ label: c.label, stroke: k === 0 ? "#000" : c.color, width: k === 0 ? 1 : 0.5, fill: c.color,
            paths: uPlot.paths.stepped({ align: 1 }), points: { show: false } });
          data.push(stepData(c.values, floor));
        });
      } else if (layer.type === "line") {
        series.push({ label: layer.label, stroke: layer.color, width: 2, dash: layer.dashed ? [6, 3] : undefined,
          paths: uPlot.paths.stepped({ align: 1 }), points: { show: false } });
        data.push(stepData(layer.values, floor));
      } else {
        extras.push(layer);
      }
    });
    return { series: series, data: data, extras: extras };
  }
  function drawExtras(u, extras, edges) {
    var ctx = u.ctx;
    ctx.save();
    ctx.beginPath();
    ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
    ctx.clip();
    extras.forEach(function (layer) {
      for (var i = 0; i + 1 < edges.length; i++) {
        var x0 = u.valToPos(edges[i], "x", true), x1 = u.valToPos(edges[i + 1], "x", true);
        if (layer.type === "band") {
          var lo = layer.lower[i], hi = layer.upper[i];
          if (lo === null || hi === null || !(hi > lo)) continue;
          var y0 = u.valToPos(Math.max(lo, u.scales.y.min), "y", true), y1 = u.valToPos(hi, "y", true);
          ctx.fillStyle = hatchPattern(ctx);
          ctx.fillRect(x0, y1, x1 - x0, y0 - y1);
        } else if (layer.type === "points") {
          var v = layer.values[i];
          if (v === null) continue;
          var cx = (x0 + x1) / 2;
          ctx.strokeStyle = "#000"; ctx.fillStyle = "#000"; ctx.lineWidth = 1.5 * devicePixelRatio;
          if (layer.lower[i] !== null && layer.upper[i] !== null) {
            ctx.beginPath();
            ctx.moveTo(cx, u.valToPos(Math.max(layer.lower[i], u.scales.y.min), "y", true));
            ctx.lineTo(cx, u.valToPos(layer.upper[i], "y", true));
            ctx.stroke();
          }
          if (v > 0 || u.scales.y.distr !== 3) {
            ctx.beginPath(); ctx.arc(cx, u.valToPos(v, "y", true), 3.5 * devicePixelRatio, 0, 2 * Math.PI); ctx.fill();
          }
        }
      }
    });
    ctx.restore();
  }

  // Labels as plain text: escaped characters as themselves, script markers dropped.
  function text(label) {
    return String(label).replace(/(^|[^\\\\])[_^]\\{?([^}\\s]*)\\}?/g, "$1$2").replace(/\\\\([_^])/g, "$1");
  }
  function readout(fig, bin) {
    if (bin < 0) return "hover a bin";
    var lines = [];
    var name = fig.xTickLabels ? fig.xTickLabels[bin] : "[" + fmt(fig.edges[bin]) + ", " + fmt(fig.edges[bin + 1]) + ")";
    lines.push("bin " + bin + ": " + name);
    fig.main.layers.forEach(function (layer) {
      if (layer.type === "stack") {
        var total = 0;
        layer.entries.slice().reverse().forEach(function (e) { total += e.values[bin] || 0; lines.push(text(e.label) + ": " + fmt(e.values[bin])); });
        lines.push("Total MC: " + fmt(total));
      } else if (layer.type === "band") {
        lines.push(text(layer.label) + ": [" + fmt(layer.lower[bin]) + ", " + fmt(layer.upper[bin]) + "]");
      } else if (layer.type === "points") {
        lines.push(text(layer.label) + ": " + fmt(layer.values[bin]) + " [" + fmt(layer.lower[bin]) + ", " + fmt(layer.upper[bin]) + "]");
      } else {
        lines.push(text(layer.label) + ": " + fmt(layer.values[bin]));
      }
    });
    return lines.join("\\n");
  }

  function draw() {
    plots.forEach(function (p) { p.destroy(); });
    plots = [];
    var fig = current;
    var heading = document.getElementById("heading");
    if (!fig) { heading.textContent = "no figures"; return; }
    heading.innerHTML = "<b>CMS</b> <i>" + markup(fig.cmsLabel) + "</i> &nbsp; " + markup(fig.lumiText) +
      " &nbsp; | " + plain(fig.histogram) + ", " + plain(fig.category) + ", " + plain(fig.year) + (fig.variation ? ", " + plain(fig.variation) : "");
    var log = logy.checked;
    var range = log ? fig.rangeLog : fig.rangeLinear;
    var width = 720;
    var syncing = false;
    var xAxis = { stroke: "#000", grid: { show: false }, ticks: { stroke: "#000" },
      values: fig.xTickLabels ? function (u, splits) { return splits.map(function (v) { var b = binOf(fig.edges, v); return b >= 0 && Math.abs(v - (fig.edges[b] + fig.edges[b + 1]) / 2) < 1e-9 ? fig.xTickLabels[b] : ""; }); } : undefined,
      splits: fig.xTickLabels ? function () { return fig.edges.slice(0, -1).map(function (e, i) { return (e + fig.edges[i + 1]) / 2; }); } : undefined };
    function make(panel, el, height, yRange, isLog, showX) {
      var built = buildPanel(panel, fig.edges, isLog, yRange);
      var opts = {
        width: width, height: height,
        legend: { show: false },
        cursor: { sync: { key: "ristretto", setSeries: false }, drag: { x: true, y: false, setScale: true }, points: { show: false } },
        scales: {
          x: { time: false, range: function (u, min, max) { return [min, max]; } },
          y: { distr: isLog ? 3 : 1, range: function () { return yRange; } },
        },
        axes: [
          Object.assign({}, xAxis, { label: showX ? text(fig.xLabel) : "", size: showX ? 50 : 10, show: true }),
          { stroke: "#000", grid: { show: false }, ticks: { stroke: "#000" }, label: panel.yLabel, size: 70 },
        ],
        series: built.series,
        hooks: {
          draw: [function (u) { drawExtras(u, built.extras, fig.edges); if (panel.reference !== undefined) {
            var ctx = u.ctx, y = u.valToPos(panel.reference, "y", true); ctx.save(); ctx.setLineDash([4, 3]); ctx.strokeStyle = "#000";
            ctx.beginPath(); ctx.moveTo(u.bbox.left, y); ctx.lineTo(u.bbox.left + u.bbox.width, y); ctx.stroke(); ctx.restore(); } }],
          setCursor: [function (u) {
            var left = u.cursor.left;
            var bin = left === undefined || left < 0 ? -1 : binOf(fig.edges, u.posToVal(left, "x"));
            document.getElementById("readout").textContent = readout(fig, bin);
          }],
          // Linked zoom: an x zoom in either panel applies to the other.
          setScale: [function (u, key) {
            if (key !== "x" || syncing) return;
            syncing = true;
            plots.forEach(function (p) { if (p !== u) p.setScale("x", { min: u.scales.x.min, max: u.scales.x.max }); });
            syncing = false;
          }],
        },
      };
      var plot = new uPlot(opts, built.data, el);
      plots.push(plot);
      return plot;
    }
    var mainEl = document.getElementById("main-plot");
    var ratioEl = document.getElementById("ratio-plot");
    make(fig.main, mainEl, fig.ratio ? 400 : 460, range, log, !fig.ratio);
    if (fig.ratio) make(fig.ratio, ratioEl, 190, fig.ratioRange, false, true);
    var legend = [];
    fig.main.layers.forEach(function (layer) {
      if (layer.type === "stack") layer.entries.slice().reverse().forEach(function (e) { legend.push("<span><i style='background:" + e.color + "'></i>" + markup(e.label) + "</span>"); });
      else if (layer.type === "line") legend.push("<span><i style='background:" + layer.color + ";height:3px'></i>" + markup(layer.label) + "</span>");
      else if (layer.type === "band") legend.push("<span><i style='border:1px solid #555;background:repeating-linear-gradient(-45deg,#fff,#fff 2px,#555 2px,#555 3px)'></i>" + markup(layer.label) + "</span>");
      else legend.push("<span><i style='background:#000;width:8px;height:8px;border-radius:4px'></i>" + markup(layer.label) + "</span>");
    });
    document.getElementById("legend").innerHTML = legend.join("");
  }
  window.ristretto = { figures: figures, plots: function () { return plots; }, select: function (id) {
    var fig = figures.filter(function (f) { return f.id === id; })[0];
    if (!fig) return false;
    fields.forEach(function (f) { select[f].value = fig[f] || ""; });
    current = fig; refresh("variation"); return true; } };
  refresh(null);
})();
`;
