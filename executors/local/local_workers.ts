/**
 * A pool of worker subprocesses on this machine, each running `work --serve`: the parent
 * sends item hashes on a worker's stdin, the worker processes the item, writes its result to
 * the store and answers on stdout. Subprocesses are what batch jobs are (same command, same
 * store), they use every core, and a crash (out of memory, kill -9) loses only the item in
 * flight: the worker is replaced and the item retried like any failure.
 * @module
 */
import { fileURLToPath } from "node:url";
import {
  API_VERSION,
  type Executor,
  type ExecutorContext,
  type ExecutorItem,
  type ExecutorOutcome,
  permissionFlags,
  type PermissionSet,
  workerPermissions,
} from "@ristretto/core/plugin";
import { InputError } from "@ristretto/core/errors";
import { Channel } from "./_channel.ts";

/** Options of {@link localWorkersExecutor}. */
export interface LocalWorkersOptions {
  /** Worker processes; default one per core. */
  workers?: number;
  /**
   * The command that starts `work`, before its flags (default: this Deno running this
   * checkout's cli/main.ts with the permissions `work` needs).
   */
  command?: readonly string[];
  /** Extra environment variables for the workers. */
  env?: Record<string, string>;
}

/** The permissions `work` needs: read inputs, write the store, native codecs. */
export const WORK_PERMISSIONS: readonly string[] = [
  "--no-prompt",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-sys",
  "--allow-ffi",
  "--allow-net",
];

/**
 * `deno run <permissions> <repo>/cli/main.ts work` for this checkout: with `permissions`, a
 * sandboxed run's set (workers get it without `run`: they start no programs), else the broad
 * {@link WORK_PERMISSIONS}.
 */
export function defaultWorkCommand(options: { permissions?: PermissionSet } = {}): string[] {
  const root = new URL("../../", import.meta.url);
  return [
    Deno.execPath(),
    "run",
    ...(options.permissions
      ? ["--no-prompt", ...permissionFlags(workerPermissions(options.permissions))]
      : WORK_PERMISSIONS),
    "--config",
    fileURLToPath(new URL("deno.json", root)),
    fileURLToPath(new URL("cli/main.ts", root)),
    "work",
  ];
}

/** local-workers, whose worker processes can start before the run has planned its items. */
export interface LocalWorkersExecutor extends Executor {
  /**
   * Starts the workers now, loading the command line while the caller plans the run (their
   * start-up, ~0.7-1.3 s each, then overlaps planning); they wait for `run`. Call `stopIdle`
   * when no `run` follows.
   */
  startEarly(): void;
  /** Kills the workers started early that no run took. */
  stopIdle(): Promise<void>;
}

/**
 * Starts an executor's workers before planning when it can (local-workers); returns what stops
 * those no run used (call it once the run is over).
 */
export function startWorkersEarly(executor: Executor): () => Promise<void> {
  const early = executor as Partial<LocalWorkersExecutor>;
  if (typeof early.startEarly !== "function" || typeof early.stopIdle !== "function") {
    return () => Promise.resolve();
  }
  early.startEarly();
  return () => early.stopIdle!();
}

/** Defaults of {@link localWorkersExecutor}. */
export const localWorkersDefaults = {
  workers: Math.max(1, navigator.hardwareConcurrency ?? 1),
};

/** A reply from `work --serve`, or why the worker is gone. */
type Reply = { ok: true } | { ok: false; error: string; crashed?: boolean; fatal?: boolean };

/** One `work --serve` subprocess. */
class Worker {
  readonly #child: Deno.ChildProcess;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #reading: Promise<void>;
  readonly #stderr: Promise<string>;
  /** Resolvers of the items sent, oldest first (the worker answers in order). */
  readonly #pending: ((reply: Reply) => void)[] = [];
  /** Set when `work --serve` has loaded the config and plugins and waits for items. */
  #ready = false;
  #exited = false;

  /** Starts `argv` (a `work --serve` command line, or a warm start waiting for one). */
  constructor(argv: readonly string[], env?: Record<string, string>) {
    this.#child = new Deno.Command(argv[0], {
      args: argv.slice(1),
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      env,
    }).spawn();
    this.#writer = this.#child.stdin.getWriter();
    this.#stderr = tail(this.#child.stderr);
    this.#reading = this.#readReplies();
  }

  /** Hands a warm start its arguments (the first line it reads); items may follow at once. */
  begin(args: readonly string[]): void {
    this.#writer.write(new TextEncoder().encode(JSON.stringify(args) + "\n")).catch(() => {
      // The worker died; #readReplies reports it with the exit status.
    });
  }

  /**
   * Sends one item; resolves with the worker's reply, or a crash when it died first. Items sent
   * while one runs wait in the worker's stdin and run in order.
   */
  process(hash: string): Promise<Reply> {
    if (this.#exited) return Promise.resolve({ ok: false, error: "worker gone", crashed: true });
    const reply = new Promise<Reply>((resolve) => this.#pending.push(resolve));
    this.#writer.write(new TextEncoder().encode(hash + "\n")).catch(() => {
      // The worker died; #readReplies reports it with the exit status.
    });
    return reply;
  }

  async #readReplies(): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of this.#child.stdout) {
      buffer += decoder.decode(chunk, { stream: true });
      let newline;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (!line.startsWith("@ristretto ")) continue; // anything an analysis module prints
        const message = JSON.parse(line.slice("@ristretto ".length)) as {
          ok: boolean;
          error?: string;
          ready?: boolean;
        };
        if (message.ready) {
          this.#ready = true;
          continue;
        }
        this.#pending.shift()?.(
          message.ok ? { ok: true } : { ok: false, error: message.error ?? "failed" },
        );
      }
    }
    // stdout ended: the process is exiting (after stdin closed) or died.
    this.#exited = true;
    const status = await this.#child.status;
    const stderr = await this.#stderr;
    const [resolve, ...queued] = this.#pending.splice(0);
    // Items waiting behind the one that was running never started.
    for (const waiting of queued) waiting({ ok: false, error: "never started", crashed: true });
    if (resolve) {
      const how = status.signal ? `killed by ${status.signal}` : `exited with code ${status.code}`;
      const detail = stderr.trim().split("\n").slice(-3).join(" | ");
      resolve({
        ok: false,
        error: `worker process ${how}${detail ? `: ${detail}` : ""}`,
        crashed: true,
        // Dying on its own before being ready is a start-up error (bad config, plugin
        // mismatch): every item would fail the same way.
        fatal: !this.#ready && status.signal === null,
      });
    }
  }

  /** Closes stdin (the worker exits after its current item) and waits for it. */
  async close(): Promise<void> {
    await this.#writer.close().catch(() => {});
    await this.#reading;
  }

  /** Kills the worker and waits for it. */
  async kill(): Promise<void> {
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // already exited
    }
    await this.#writer.abort().catch(() => {});
    await this.#reading;
  }
}

/** The arguments of `work --serve` for a run, after the command's own. */
function serveArgs(context: ExecutorContext): string[] {
  return [
    "--config",
    context.config,
    "--items",
    context.itemsFile,
    "--store",
    context.store,
    "--serve",
  ];
}

const WARM_START = fileURLToPath(new URL("./_warm_start.ts", import.meta.url));

/**
 * The warm-start form of a `deno run ... cli/main.ts work` command: the script replaced by
 * _warm_start.ts loading it, and the arguments after the script, to send once known; undefined
 * for a command of another shape (it then starts when the run does).
 */
function warmForm(command: readonly string[]): { argv: string[]; args: string[] } | undefined {
  const script = command.findIndex((word) => /[\\/]cli[\\/]main\.ts$/.test(word));
  if (script < 2 || command[1] !== "run") return undefined;
  return {
    argv: [...command.slice(0, script), WARM_START, command[script]],
    args: command.slice(script + 1),
  };
}

/** Reads a stream to its end, keeping the last 4 kB (for error messages). */
async function tail(stream: ReadableStream<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of stream) {
    text = (text + decoder.decode(chunk, { stream: true })).slice(-4096);
  }
  return text;
}

/**
 * Runs items on a pool of `work --serve` subprocesses, one per core by default. A failing
 * item is retried `retries` times after `retryDelay` (on any worker); a worker that dies is
 * replaced. Interrupting (context.signal) kills the workers.
 */
export function localWorkersExecutor(options: LocalWorkersOptions = {}): LocalWorkersExecutor {
  const workers = options.workers ?? localWorkersDefaults.workers;
  if (!(Number.isInteger(workers) && workers >= 1)) {
    throw new RangeError(`Cannot create local-workers: workers must be >= 1, got ${workers}`);
  }
  // Workers started by startEarly(), waiting for the arguments of the run.
  const warm: Worker[] = [];
  let warmArgs: string[] = [];
  // Kills in flight are kept: a later call (the run's end) waits for those of an abort too.
  let stopping = Promise.resolve();
  const stopIdle = () => {
    const idle = warm.splice(0);
    stopping = Promise.all([stopping, ...idle.map((worker) => worker.kill())]).then(() => {});
    return stopping;
  };
  return {
    startEarly() {
      const command = options.command ?? defaultWorkCommand();
      const form = warmForm(command);
      const allowed = Deno.permissions.querySync({ name: "run", command: command[0] }).state;
      if (!form || allowed !== "granted" || warm.length > 0) return;
      warmArgs = form.args;
      for (let i = 0; i < workers; i++) warm.push(new Worker(form.argv, options.env));
    },
    stopIdle,
    kind: "executor",
    name: "local-workers",
    version: "0.1.0",
    apiVersion: API_VERSION,
    async *run(
      items: readonly ExecutorItem[],
      context: ExecutorContext,
    ): AsyncIterable<ExecutorOutcome> {
      const command = options.command ?? defaultWorkCommand();
      if (Deno.permissions.querySync({ name: "run", command: command[0] }).state !== "granted") {
        throw new InputError(
          "EXECUTOR_NO_RUN_PERMISSION",
          `Cannot start local-workers: starting "${
            command[0]
          }" needs --allow-run (use \`deno task cli run --executor local-workers\`)`,
        );
      }
      const outcomes = new Channel<ExecutorOutcome>();
      type Task = { item: ExecutorItem; attempts: number };
      const tasks: Task[] = items.map((item) => ({ item, attempts: 0 }));
      const slotCount = Math.min(workers, items.length);
      // Each worker takes a contiguous run of items (sorted by key: a file's ranges follow each
      // other), so it keeps that file open and reads each basket once; an idle worker takes the
      // back half of the longest run left. Retries go to a shared queue taken first.
      const runs = Array.from({ length: slotCount }, (_, i) => ({
        next: Math.floor((i * tasks.length) / slotCount),
        end: Math.floor(((i + 1) * tasks.length) / slotCount),
      }));
      const retryQueue: Task[] = [];
      const live = new Set<Worker>();
      const timers = new Set<ReturnType<typeof setTimeout>>();
      // Items sent to workers, and those of them running (one per busy worker).
      let inFlight = 0, running = 0;
      let waitingRetries = 0;
      let done = 0, failed = 0;
      let fatal: string | undefined;
      // Slots waiting for a task (or for the end) are woken on every change.
      const waiters: (() => void)[] = [];
      const notify = () => {
        for (const resolve of waiters.splice(0)) resolve();
      };
      const report = () => context.onProgress?.({ done, failed, running, total: items.length });
      // Set when the consumer stops early: nothing is started or requeued any more.
      let closing = false;
      const stopped = () => closing || context.signal?.aborted === true;
      const abort = () => {
        for (const worker of live) worker.kill();
        stopIdle();
        notify();
      };
      context.signal?.addEventListener("abort", abort, { once: true });

      const nextOf = (slot: number): Task | undefined => {
        if (retryQueue.length > 0) return retryQueue.shift()!;
        const own = runs[slot];
        if (own.next < own.end) return tasks[own.next++];
        let longest = own;
        for (const run of runs) {
          if (run.end - run.next > longest.end - longest.next) longest = run;
        }
        const left = longest.end - longest.next;
        if (left === 0) return undefined;
        own.next = longest.end - Math.ceil(left / 2);
        own.end = longest.end;
        longest.end = own.next;
        return tasks[own.next++];
      };
      // The next task of a slot, waiting while others may still requeue one; undefined at the end.
      const take = async (slot: number) => {
        while (true) {
          if (stopped()) return undefined;
          const task = nextOf(slot);
          if (task) return task;
          if (inFlight === 0 && waitingRetries === 0) return undefined;
          await new Promise<void>((resolve) => waiters.push(resolve));
        }
      };
      const finish = (task: Task, reply: Reply) => {
        if (reply.ok) {
          done++;
          outcomes.push({ item: task.item, ok: true, attempts: task.attempts });
          return;
        }
        if (reply.fatal) fatal ??= reply.error;
        if (task.attempts <= context.retries && fatal === undefined && !stopped()) {
          waitingRetries++;
          const timer = setTimeout(() => {
            timers.delete(timer);
            waitingRetries--;
            retryQueue.push(task);
            notify();
          }, context.retryDelay(task.attempts + 1));
          timers.add(timer);
          return;
        }
        failed++;
        outcomes.push({ item: task.item, ok: false, error: reply.error, attempts: task.attempts });
      };
      // Each worker gets its next item before it answers the current one: the item waits in its
      // stdin, so the worker does not idle while this process takes the reply and sends the
      // next hash (1.2 ms an item, measured: 168 -> 18 ms over 144 items).
      const SENT_AHEAD = 1;
      const slot = async (index: number) => {
        let worker: Worker | undefined;
        // Items sent to the worker, oldest (the one running) first.
        const sent: { task: Task; reply: Promise<Reply> }[] = [];
        // With nothing sent, wait for a task; otherwise take one only if it is there now.
        const nextTask = () =>
          sent.length === 0 ? take(index) : Promise.resolve(stopped() ? undefined : nextOf(index));
        try {
          while (true) {
            while (sent.length <= SENT_AHEAD) {
              const task = await nextTask();
              if (!task) break;
              if (fatal !== undefined) {
                failed++;
                outcomes.push({
                  item: task.item,
                  ok: false,
                  error: fatal,
                  attempts: task.attempts,
                });
                continue;
              }
              if (!worker) {
                worker = warm.shift();
                if (worker) worker.begin([...warmArgs, ...serveArgs(context)]);
                else worker = new Worker([...command, ...serveArgs(context)], options.env);
                live.add(worker);
              }
              task.attempts++;
              inFlight++;
              if (sent.length === 0) running++;
              sent.push({ task, reply: worker.process(task.item.hash) });
            }
            if (sent.length === 0) break;
            report();
            const { task, reply: replied } = sent[0];
            const reply = await replied;
            sent.shift();
            inFlight--;
            running--;
            if (!reply.ok && reply.crashed) {
              live.delete(worker!);
              await worker!.kill();
              worker = undefined;
              // Those sent behind it never ran: back to the queue, no attempt spent.
              for (const queued of sent.splice(0)) {
                await queued.reply;
                inFlight--;
                queued.task.attempts--;
                retryQueue.push(queued.task);
              }
            } else if (sent.length > 0) running++;
            finish(task, reply);
            report();
            notify();
          }
        } finally {
          if (worker) {
            live.delete(worker);
            await (stopped() ? worker.kill() : worker.close());
          }
        }
      };
      const slots = Promise.all(
        Array.from({ length: slotCount }, (_, index) => slot(index)),
      ).finally(() => outcomes.close());
      try {
        while (true) {
          const next = await outcomes.next();
          if (next.done) break;
          yield next.value;
        }
      } finally {
        // Early exit (the consumer stopped, or an abort): stop everything we started.
        closing = true;
        retryQueue.length = 0;
        for (const run of runs) run.next = run.end;
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        waitingRetries = 0;
        for (const worker of live) await worker.kill();
        notify();
        await slots;
        await stopIdle(); // started early, not needed (fewer items than workers)
        context.signal?.removeEventListener("abort", abort);
      }
    },
  };
}
