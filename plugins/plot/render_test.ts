import { deepEqual, equal, ok } from "node:assert/strict";
import { inflateSync } from "node:zlib";
import { buildFigures } from "./model.ts";
import { findFonts, svgToPdf, svgToPng, svgToPngAsync } from "./raster.ts";
import { parseStyle } from "./style.ts";
import { renderSvg } from "./svg.ts";
import { RenderPool } from "./_render_pool.ts";
import { syntheticOutput } from "./_test_fixture.ts";

const fonts = (() => {
  try {
    findFonts();
    return true;
  } catch (error) {
    console.warn(`SKIP PNG/PDF rendering tests: ${(error as Error).message}`);
    return false;
  }
})();

const style = parseStyle({ years: { "2018": { lumi: 59.7 } }, logY: ["var1"] });
const figures = buildFigures(syntheticOutput({ histograms: 2, categories: 1 }), style);
const stack = figures.find((f) => f.id === "stack/var0__cat0__2018")!;

async function sha256(bytes: Uint8Array | string): Promise<string> {
  const data = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
  const digest = await crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Decodes a PNG far enough to know it is whole: IHDR, then the inflated IDAT size. */
function decodePng(png: Uint8Array): { width: number; height: number; pixels: Uint8Array } {
  deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], "PNG signature");
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let offset = 8;
  let width = 0;
  let height = 0;
  let colorType = 0;
  const idat: Uint8Array[] = [];
  while (offset < png.length) {
    const length = view.getUint32(offset);
    const type = new TextDecoder().decode(png.subarray(offset + 4, offset + 8));
    const body = png.subarray(offset + 8, offset + 8 + length);
    if (type === "IHDR") {
      width = view.getUint32(offset + 8);
      height = view.getUint32(offset + 12);
      equal(body[8], 8, "8-bit depth");
      colorType = body[9];
    }
    if (type === "IDAT") idat.push(body);
    offset += 12 + length;
  }
  const channels = colorType === 6 ? 4 : colorType === 2 ? 3 : 1;
  const raw = inflateSync(Buffer.concat(idat));
  equal(raw.length, height * (1 + width * channels), "inflated size");
  return { width, height, pixels: raw };
}

Deno.test("SVG: deterministic, with the CMS texts, axis titles and layers", async () => {
  const a = renderSvg(stack);
  const b = renderSvg(structuredClone(stack));
  equal(await sha256(a), await sha256(b));
  for (const text of ["CMS", "Preliminary", "Data", "Stat. + syst. unc."]) {
    ok(a.includes(`>${text}<`) || a.includes(`> ${text}<`), `text ${text}`);
  }
  // Lumi text with a superscript -1, the x title with its subscript.
  ok(a.includes(`59.7 fb<tspan dy="-6.72" font-size="11.52">-1</tspan>`), "lumi text");
  ok(a.includes(">T</tspan>") && a.includes("[GeV]</tspan>"), "x title p_T^{(0)} [GeV]");
  ok(a.includes(">Events / 10 GeV<"), "y title");
  ok(a.includes('font-weight="bold">CMS<') && a.includes('font-style="italic"'), "bold/italic");
  ok(a.includes('font-family="TeX Gyre Heros"'));
  ok([...a.replaceAll("×", "")].every((c) => c === "\n" || (c >= " " && c <= "~")), "ASCII only");
  ok(a.includes('fill="#5790fc"'), "first colour of the CMS cycle");
  // One data point per bin in the main panel (frame from y = 42 to 422); the legend's
  // marker sits at y = 0 of its own group.
  const ys = [...a.matchAll(/<circle cx="[\d.]+" cy="([\d.]+)"/g)].map((m) => Number(m[1]));
  equal(ys.filter((y) => y > 42 && y <= 422).length, 20, "a data point per bin");
  const log = renderSvg(figures.find((f) => f.id === "stack/var1__cat0__2018")!);
  ok(log.includes(">10</text>") || log.includes(">10<tspan"), "log ticks labelled 10^k");
});

Deno.test({
  name: "PNG: same bytes twice (sync and async), decodes to 1000 px wide",
  ignore: !fonts,
  fn: async () => {
    const svg = renderSvg(stack);
    const one = svgToPng(svg);
    const two = await svgToPngAsync(svg);
    equal(await sha256(one), await sha256(two));
    const { width, height, pixels } = decodePng(one);
    equal(width, 1000);
    const svgHeight = Number(/height="(\d+)"/.exec(svg)![1]);
    equal(height, Math.round(svgHeight * 5 / 3));
    // Not blank: some pixels are far from white.
    let dark = 0;
    for (let i = 0; i < pixels.length; i += 97) if (pixels[i] < 100) dark++;
    ok(dark > 100, `dark samples: ${dark}`);
  },
});

Deno.test({
  name: "PDF: a vector document with the fonts embedded",
  ignore: !fonts,
  fn: async () => {
    const pdf = await svgToPdf(renderSvg(stack));
    const text = new TextDecoder("latin1").decode(pdf);
    ok(text.startsWith("%PDF-"));
    ok(text.includes("/FontFile3") || text.includes("/FontFile"), "embedded font");
    ok(text.trimEnd().endsWith("%%EOF"));
    // The page is the SVG's size in points, and the drawing fills it (1 SVG unit = 1 pt).
    const svgHeight = Number(/height="(\d+)"/.exec(renderSvg(stack))![1]);
    ok(new RegExp(`/MediaBox \\[0 0 600 ${svgHeight}\\]`).test(text), "page size");
  },
});

Deno.test({
  name: "render workers give the same PNG bytes as this thread",
  ignore: !fonts,
  fn: async () => {
    const svg = renderSvg(stack);
    const workers = new RenderPool(2);
    try {
      const [a, b] = await Promise.all([
        workers.render(svg, ["png", "pdf"]),
        workers.render(svg, ["png"]),
      ]);
      const local = await sha256(svgToPng(svg));
      equal(await sha256(a.png!), local);
      equal(await sha256(b.png!), local);
      ok(new TextDecoder().decode(a.pdf!.subarray(0, 5)) === "%PDF-");
    } finally {
      workers.close();
    }
  },
});
