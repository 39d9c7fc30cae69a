/**
 * A render worker: SVG text in, PNG and/or PDF bytes out. PDF building (pdfkit, plain JS) is
 * the slowest step of a figure, so it runs here, one worker per core, instead of on the main
 * thread.
 * @module
 */
/// <reference lib="deno.worker" />
import { svgToPdf, svgToPng } from "./raster.ts";

/** A job: one figure's SVG and the raster formats wanted. */
export interface RenderJob {
  id: number;
  svg: string;
  formats: ("png" | "pdf")[];
}

/** The answer: bytes per format, or the error text. */
export interface RenderReply {
  id: number;
  bytes?: Partial<Record<"png" | "pdf", Uint8Array>>;
  error?: string;
}

self.onmessage = async (event: MessageEvent<RenderJob>) => {
  const { id, svg, formats } = event.data;
  try {
    const bytes: Partial<Record<"png" | "pdf", Uint8Array>> = {};
    for (const format of formats) {
      bytes[format] = format === "png" ? svgToPng(svg) : await svgToPdf(svg);
    }
    const transfer = Object.values(bytes).map((b) => b.buffer as ArrayBuffer);
    self.postMessage({ id, bytes } satisfies RenderReply, transfer);
  } catch (error) {
    self.postMessage({ id, error: String((error as Error)?.stack ?? error) } satisfies RenderReply);
  }
};
