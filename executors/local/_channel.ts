/**
 * A small unbounded channel: producers push, one async iterator drains; `close()` ends it.
 * Executors run items concurrently but yield outcomes from one generator.
 * @module
 */

/** An async queue of values. */
export class Channel<T> {
  #values: T[] = [];
  #waiting: ((result: IteratorResult<T>) => void) | undefined;
  #closed = false;

  /** Adds a value (ignored after close). */
  push(value: T): void {
    if (this.#closed) return;
    if (this.#waiting) {
      const wake = this.#waiting;
      this.#waiting = undefined;
      wake({ value, done: false });
    } else {
      this.#values.push(value);
    }
  }

  /** Ends the iteration once the queued values are drained. */
  close(): void {
    this.#closed = true;
    if (this.#waiting && this.#values.length === 0) {
      const wake = this.#waiting;
      this.#waiting = undefined;
      wake({ value: undefined, done: true });
    }
  }

  /** The next value, or done. */
  next(): Promise<IteratorResult<T>> {
    if (this.#values.length > 0) {
      return Promise.resolve({ value: this.#values.shift()!, done: false });
    }
    if (this.#closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.#waiting = resolve));
  }
}

/** Resolves after `ms`, or at once when `signal` aborts; the timer never outlives it. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
