/**
 * SVG -> PNG (resvg, native code shipped in the npm package) and SVG -> PDF (pdfkit +
 * svg-to-pdfkit), both with the TeX Gyre Heros files loaded explicitly: resvg is given no system
 * fonts, so text can never fall back to another face and the PNG bytes depend only on the SVG.
 * @module
 */
import { existsSync } from "node:fs";
import { Buffer } from "node:buffer";
import { join } from "node:path";
import { renderAsync, Resvg } from "@resvg/resvg-js";
import PDFDocument from "pdfkit";
import SVGtoPDF from "svg-to-pdfkit";
import * as fontkit from "fontkit";
import { InputError } from "@ristretto/core/errors";
import { FONT_FAMILY } from "./svg.ts";

/** Where distributions put TeX Gyre Heros (Debian's fonts-texgyre first). */
const FONT_DIRS = [
  "/usr/share/texmf/fonts/opentype/public/tex-gyre",
  "/usr/share/fonts/opentype/texgyre",
  "/usr/share/fonts/texgyre",
  "/usr/share/fonts/OTF",
];
/** Pixels per SVG unit of the PNGs: 600 units -> 1000 px. */
export const DEFAULT_SCALE = 5 / 3;
const FACES = ["regular", "bold", "italic", "bolditalic"] as const;

/** The four TeX Gyre Heros files by face. */
export type FontFiles = Readonly<Record<(typeof FACES)[number], string>>;

let cached: FontFiles | undefined;

/**
 * Finds the TeX Gyre Heros .otf files (RISTRETTO_FONT_DIR first, then the usual system
 * folders); throws a clear error naming the package to install when they are absent.
 */
export function findFonts(): FontFiles {
  if (cached) return cached;
  const env = Deno.env.get("RISTRETTO_FONT_DIR");
  for (const dir of env ? [env, ...FONT_DIRS] : FONT_DIRS) {
    const files = Object.fromEntries(
      FACES.map((face) => [face, join(dir, `texgyreheros-${face}.otf`)]),
    ) as Record<(typeof FACES)[number], string>;
    if (FACES.every((face) => existsSync(files[face]))) return cached = files;
  }
  throw new InputError(
    "PLOT_NO_FONT",
    `TeX Gyre Heros not found in ${
      FONT_DIRS.join(", ")
    } (install Debian's fonts-texgyre, or set RISTRETTO_FONT_DIR)`,
  );
}

function resvgOptions(scale: number) {
  const fonts = findFonts();
  return {
    font: {
      fontFiles: FACES.map((face) => fonts[face]),
      loadSystemFonts: false,
      defaultFontFamily: FONT_FAMILY,
      sansSerifFamily: FONT_FAMILY,
    },
    fitTo: { mode: "zoom" as const, value: scale },
    background: "#ffffff",
  };
}

/** PNG bytes of an SVG at `scale` x its size (default 5/3: 1000 px wide, as mplhep at 100 dpi). */
export function svgToPng(svg: string, options: { scale?: number } = {}): Uint8Array {
  return new Uint8Array(
    new Resvg(svg, resvgOptions(options.scale ?? DEFAULT_SCALE)).render().asPng(),
  );
}

/** As {@link svgToPng}, on resvg's own thread pool, so several renders run in parallel. */
export async function svgToPngAsync(
  svg: string,
  options: { scale?: number } = {},
): Promise<Uint8Array> {
  const image = await renderAsync(svg, resvgOptions(options.scale ?? DEFAULT_SCALE));
  return new Uint8Array(image.asPng());
}

// Parsed once per process and shared by every document: parsing the OpenType tables (and the
// layout tables text shaping reads) per document was most of a PDF's time. pdfkit accepts a
// fontkit font in place of font bytes; each document still embeds its own subset.
const parsedFonts = new Map<string, unknown>();
function parsedFont(path: string): unknown {
  let font = parsedFonts.get(path);
  if (!font) parsedFonts.set(path, font = fontkit.create(Buffer.from(Deno.readFileSync(path))));
  return font;
}

/** PDF bytes of an SVG (vector; fonts embedded as subsets; a fixed creation date). */
export function svgToPdf(svg: string): Promise<Uint8Array> {
  const fonts = findFonts();
  const size = /width="([\d.]+)" height="([\d.]+)"/.exec(svg);
  const width = Number(size?.[1] ?? 600);
  const height = Number(size?.[2] ?? 600);
  const doc = new PDFDocument({
    size: [width, height],
    margin: 0,
    compress: true,
    info: { Producer: "ristretto", Creator: "ristretto", CreationDate: new Date(0) },
  });
  const names = {
    regular: "Heros",
    bold: "Heros-Bold",
    italic: "Heros-Italic",
    bolditalic: "Heros-BoldItalic",
  };
  for (const face of FACES) {
    doc.registerFont(names[face], parsedFont(fonts[face]) as unknown as string);
  }
  const chunks: Uint8Array[] = [];
  doc.on("data", (chunk: Uint8Array) => chunks.push(chunk));
  const done = new Promise<Uint8Array>((resolve, reject) => {
    doc.on("end", () => {
      const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      let offset = 0;
      for (const c of chunks) {
        out.set(c, offset);
        offset += c.length;
      }
      resolve(out);
    });
    doc.on("error", reject);
  });
  SVGtoPDF(doc, svg, 0, 0, {
    // One SVG unit is one PDF point (the page is sized in SVG units).
    assumePt: true,
    width,
    height,
    fontCallback: (_family: string, bold: boolean, italic: boolean) =>
      bold && italic ? names.bolditalic : bold ? names.bold : italic ? names.italic : names.regular,
  });
  doc.end();
  return done;
}
