/**
 * A pool of render workers (see _render_worker.ts): figures are rasterised on every core while
 * the main thread builds the next SVGs. Closed explicitly, so no worker outlives a plot.
 * @module
 */
import type { RenderJob, RenderReply } from "./_render_worker.ts";

/** Rasterises SVGs to PNG/PDF on `size` workers. */
export class RenderPool {
  readonly #workers: Worker[] = [];
  readonly #idle: Worker[] = [];
  readonly #queue: (() => void)[] = [];
  readonly #pending = new Map<
    number,
    { resolve: (bytes: RenderReply["bytes"]) => void; reject: (error: Error) => void }
  >();
  #next = 0;

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(new URL("./_render_worker.ts", import.meta.url), {
        type: "module",
      });
      worker.onmessage = (event: MessageEvent<RenderReply>) => {
        const { id, bytes, error } = event.data;
        const pending = this.#pending.get(id)!;
        this.#pending.delete(id);
        this.#release(worker);
        if (error !== undefined) pending.reject(new Error(`render worker: ${error}`));
        else pending.resolve(bytes);
      };
      worker.onerror = (event) => {
        event.preventDefault();
        for (const [, pending] of this.#pending) pending.reject(new Error(event.message));
        this.#pending.clear();
      };
      this.#workers.push(worker);
      this.#idle.push(worker);
    }
  }

  #release(worker: Worker): void {
    const waiting = this.#queue.shift();
    this.#idle.push(worker);
    waiting?.();
  }

  async #acquire(): Promise<Worker> {
    while (this.#idle.length === 0) await new Promise<void>((resolve) => this.#queue.push(resolve));
    return this.#idle.pop()!;
  }

  /** PNG and/or PDF bytes of one SVG. */
  async render(
    svg: string,
    formats: RenderJob["formats"],
  ): Promise<Partial<Record<"png" | "pdf", Uint8Array>>> {
    const worker = await this.#acquire();
    const id = this.#next++;
    return await new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve: (bytes) => resolve(bytes ?? {}), reject });
      worker.postMessage({ id, svg, formats } satisfies RenderJob);
    });
  }

  /** Stops every worker. */
  close(): void {
    for (const worker of this.#workers) worker.terminate();
    this.#workers.length = 0;
    this.#idle.length = 0;
  }
}
