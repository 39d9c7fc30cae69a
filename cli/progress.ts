/**
 * A one-line progress display on stderr: items done/failed/running, events/s and ETA.
 * Redrawn in place on a terminal; on a pipe, one line every few seconds.
 * @module
 */

/** What a progress update carries. */
export interface ProgressState {
  readonly done: number;
  readonly failed: number;
  readonly running: number;
  readonly total: number;
  readonly events: number;
}

/** Creates a progress reporter; call `finish()` at the end. */
export function progressBar(label: string): {
  update(state: ProgressState): void;
  finish(): void;
} {
  const started = performance.now();
  const interactive = Deno.stderr.isTerminal();
  const encoder = new TextEncoder();
  let lastDraw = 0;
  let last: ProgressState | undefined;
  const draw = (state: ProgressState, final: boolean) => {
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? state.events / seconds : 0;
    const finished = state.done + state.failed;
    const eta = finished > 0 && finished < state.total
      ? `, ETA ${Math.ceil((seconds / finished) * (state.total - finished))}s`
      : "";
    const width = 24;
    const filled = state.total > 0 ? Math.round((finished / state.total) * width) : width;
    const bar = "#".repeat(filled) + ".".repeat(width - filled);
    const text =
      `${label} [${bar}] ${state.done}/${state.total} done, ${state.failed} failed, ${state.running} running, ${
        formatRate(rate)
      } events/s${eta}`;
    Deno.stderr.writeSync(
      encoder.encode(interactive ? `\r${text}\x1b[K${final ? "\n" : ""}` : `${text}\n`),
    );
  };
  return {
    update(state) {
      last = state;
      const now = performance.now();
      if (now - lastDraw > (interactive ? 100 : 5000)) {
        lastDraw = now;
        draw(state, false);
      }
    },
    finish() {
      if (last) draw(last, true);
    },
  };
}

function formatRate(rate: number): string {
  if (rate >= 1e6) return `${(rate / 1e6).toFixed(2)}M`;
  if (rate >= 1e3) return `${(rate / 1e3).toFixed(1)}k`;
  return rate.toFixed(0);
}
