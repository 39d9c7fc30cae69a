/**
 * Timing helpers for benchmarks: warm up, then take the best of several runs, so a noisy
 * 2-core machine still gives stable ratios. Benchmarks print figures; tests never assert times.
 */

/** Best wall time in milliseconds of `runs` calls of `work`, after `warmup` untimed calls. */
export async function bestTime(
  work: () => unknown | Promise<unknown>,
  options: { runs?: number; warmup?: number } = {},
): Promise<number> {
  const { runs = 5, warmup = 2 } = options;
  for (let i = 0; i < warmup; i++) await work();
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await work();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

/** Times two implementations of the same computation alternately and returns both best times. */
export async function compareTimes(
  framework: () => unknown | Promise<unknown>,
  handWritten: () => unknown | Promise<unknown>,
  options: { runs?: number; warmup?: number } = {},
): Promise<{ frameworkMs: number; handWrittenMs: number; ratio: number }> {
  const { runs = 7, warmup = 2 } = options;
  for (let i = 0; i < warmup; i++) {
    await framework();
    await handWritten();
  }
  let frameworkMs = Infinity;
  let handWrittenMs = Infinity;
  for (let i = 0; i < runs; i++) {
    let start = performance.now();
    await handWritten();
    handWrittenMs = Math.min(handWrittenMs, performance.now() - start);
    start = performance.now();
    await framework();
    frameworkMs = Math.min(frameworkMs, performance.now() - start);
  }
  return { frameworkMs, handWrittenMs, ratio: frameworkMs / handWrittenMs };
}

/** Rounds a figure for printing. */
export function round(value: number, digits = 3): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
