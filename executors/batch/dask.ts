/**
 * Dask: Deno cannot speak Dask's protocol (pickled Python), so one long-lived Python process,
 * dask_bridge.py, holds a dask.distributed Client (or a dask-gateway cluster's) and runs each job
 * as one task that starts the command as a subprocess on a worker. The adapter talks to it over
 * stdin/stdout, one JSON line per request and per reply, one request at a time.
 *
 * Jobs run as the worker's user with the worker's environment plus `env`; `cwd`, stdout and
 * stderr must be paths the workers see. Cancel kills a running job's process group (a Dask Event
 * the task watches each second). Memory, wall time, partition and max parallel are ignored:
 * the workers' thread count bounds what runs at once.
 * @module
 */
import { fileURLToPath } from "node:url";
import { RistrettoError } from "@ristretto/core/errors";
import { validateJobs } from "./_job_files.ts";
import type { BatchSystem, JobHandle, JobSpec, JobState, SubmitOptions } from "./types.ts";

/** Options of {@link daskBatchSystem}. */
export interface DaskOptions {
  /** Scheduler address, e.g. `tcp://127.0.0.1:8786` (or `gateway`). */
  readonly scheduler?: string;
  /**
   * A dask-gateway server: the bridge connects to `cluster`, or starts a new cluster that adapts
   * between `workers.minimum` (default 1) and `workers.maximum` (default 4) workers.
   */
  readonly gateway?: DaskGateway;
  /** Environment of the bridge (e.g. `DASK_GATEWAY__AUTH__TYPE`, `PYTHONPATH`). */
  readonly env?: Readonly<Record<string, string>>;
  /** The Python with dask.distributed (default /usr/bin/python3: Debian's python3-distributed). */
  readonly python?: string;
  /** Deadline of the bridge's start (connecting the client), ms; default 30 s. */
  readonly startTimeoutMs?: number;
  /** Deadline of one request, ms; default 60 s. */
  readonly requestTimeoutMs?: number;
}

/** Where a dask-gateway cluster comes from, and how far a new one may scale. */
export interface DaskGateway {
  readonly address: string;
  /** An existing cluster's name; a new cluster is started when absent. */
  readonly cluster?: string;
  /** Workers of a new cluster (adaptive scaling). */
  readonly workers?: { readonly minimum?: number; readonly maximum?: number };
}

interface BridgeReply {
  id?: number;
  ok?: boolean;
  ready?: boolean;
  result?: unknown;
  error?: string;
}

/** A Dask adapter; see the module documentation. The bridge starts on the first call. */
export function daskBatchSystem(options: DaskOptions): BatchSystem {
  if (!options.scheduler && !options.gateway) {
    throw new RistrettoError(
      "BATCH_BAD_OPTION",
      `Cannot use "dask": give a scheduler or a gateway`,
    );
  }
  let bridge: Bridge | undefined;
  let starting: Promise<Bridge> | undefined;
  let closed = false;
  let queue: Promise<unknown> = Promise.resolve();

  function getBridge(): Promise<Bridge> {
    if (closed) {
      throw new RistrettoError("BATCH_CLOSED", `Cannot use "dask": the adapter is closed`);
    }
    starting ??= Bridge.start(options).then((b) => (bridge = b));
    return starting;
  }

  // one request at a time: replies come back in order on one pipe
  function request<T>(body: Record<string, unknown>): Promise<T> {
    const next = queue.then(async () => {
      const b = await getBridge();
      return await b.request(body, options.requestTimeoutMs ?? 60_000) as T;
    });
    queue = next.catch(() => undefined);
    return next;
  }

  async function submit(
    jobs: readonly JobSpec[],
    submitOptions: SubmitOptions = {},
  ): Promise<JobHandle[]> {
    validateJobs("dask", jobs);
    const random = crypto.getRandomValues(new Uint32Array(2));
    const prefix = `ristretto-${random[0].toString(16)}${random[1].toString(16)}`;
    const specs = jobs.map((job, index) => ({
      key: `${prefix}-${index}-${job.name.replace(/[^A-Za-z0-9_.-]/g, "_")}`,
      name: job.name,
      command: job.command,
      env: job.env ?? {},
      cwd: job.cwd,
      stdout: job.stdout,
      stderr: job.stderr,
      setup: submitOptions.setup ?? null,
    }));
    const result = await request<{ keys: string[] }>({ op: "submit", jobs: specs });
    return result.keys.map((key, index) => ({
      system: "dask",
      id: key,
      name: jobs[index].name,
      submission: prefix,
      index,
    }));
  }

  async function poll(handles: readonly JobHandle[]): Promise<JobState[]> {
    if (handles.length === 0) return [];
    const result = await request<{ states: JobState[] }>({
      op: "poll",
      keys: handles.map((handle) => handle.id),
    });
    return result.states;
  }

  async function cancel(handles: readonly JobHandle[]): Promise<void> {
    if (handles.length === 0) return;
    await request({ op: "cancel", keys: handles.map((handle) => handle.id) });
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    await queue;
    if (starting) await starting.catch(() => undefined);
    await bridge?.close();
  }

  return { name: "dask", submit, poll, cancel, close, [Symbol.asyncDispose]: close };
}

/** The bridge subprocess and its reply stream. */
class Bridge {
  #child: Deno.ChildProcess;
  #lines: AsyncIterator<string>;
  #nextId = 1;
  #stderr: Promise<string>;

  private constructor(child: Deno.ChildProcess) {
    this.#child = child;
    this.#lines = readLines(child.stdout);
    // keep the tail of the bridge's stderr for error messages (and drain the pipe)
    this.#stderr = (async () => {
      let tail = "";
      const decoder = new TextDecoder();
      for await (const chunk of child.stderr) tail = (tail + decoder.decode(chunk)).slice(-4000);
      return tail;
    })();
  }

  static async start(options: DaskOptions): Promise<Bridge> {
    const script = fileURLToPath(new URL("./dask_bridge.py", import.meta.url));
    const args = options.gateway
      ? [
        "--gateway",
        options.gateway.address,
        ...(options.gateway.cluster ? ["--gateway-cluster", options.gateway.cluster] : [
          "--gateway-adapt",
          `${options.gateway.workers?.minimum ?? 1}:${options.gateway.workers?.maximum ?? 4}`,
        ]),
      ]
      : ["--scheduler", options.scheduler!];
    const timeoutMs = options.startTimeoutMs ?? 30_000;
    args.push("--timeout", String(Math.max(1, Math.floor(timeoutMs / 1000) - 2)));
    const python = options.python ?? "/usr/bin/python3";
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(python, {
        args: ["-u", script, ...args],
        env: options.env ? { ...options.env } : undefined,
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
    } catch (error) {
      throw new RistrettoError(
        "BATCH_BRIDGE",
        `Cannot start "${python} ${script}": ${error instanceof Error ? error.message : error}`,
      );
    }
    const bridge = new Bridge(child);
    let hello: BridgeReply | undefined;
    try {
      hello = await bridge.#read(timeoutMs);
    } catch (error) {
      await bridge.close();
      throw error;
    }
    if (!hello?.ready) {
      const stderr = await bridge.close();
      const detail = hello?.error ?? stderr;
      throw new RistrettoError(
        "BATCH_BRIDGE",
        `Cannot connect to dask "${options.scheduler ?? options.gateway?.address}": ${detail}`,
      );
    }
    return bridge;
  }

  async request(body: Record<string, unknown>, timeoutMs: number): Promise<unknown> {
    const id = this.#nextId++;
    const writer = this.#child.stdin.getWriter();
    try {
      await writer.write(new TextEncoder().encode(JSON.stringify({ ...body, id }) + "\n"));
    } finally {
      writer.releaseLock();
    }
    const reply = await this.#read(timeoutMs);
    if (reply.id !== id) {
      throw new RistrettoError(
        "BATCH_BRIDGE",
        `Cannot ${body.op} in dask: reply ${reply.id} to request ${id}`,
      );
    }
    if (!reply.ok) {
      throw new RistrettoError("BATCH_BRIDGE", `Cannot ${body.op} in dask: ${reply.error}`);
    }
    return reply.result;
  }

  async #read(timeoutMs: number): Promise<BridgeReply> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new RistrettoError(
              "BATCH_BRIDGE",
              `Cannot read from the dask bridge: no reply after ${timeoutMs} ms`,
            ),
          ),
        timeoutMs,
      );
    });
    try {
      const next = await Promise.race([this.#lines.next(), deadline]);
      if (next.done) {
        throw new RistrettoError("BATCH_BRIDGE", `Cannot read from the dask bridge: it exited`);
      }
      return JSON.parse(next.value) as BridgeReply;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ends the bridge (close request, then EOF, then kill); returns its stderr tail. */
  async close(): Promise<string> {
    try {
      await this.#child.stdin.close();
    } catch {
      // already closed
    }
    // EOF makes the bridge close its client and exit; kill it if it does not within 10 s
    const timer = setTimeout(() => {
      try {
        this.#child.kill("SIGKILL");
      } catch {
        // already gone
      }
    }, 10_000);
    try {
      await this.#child.status;
      // drain what is left of stdout so the pipe resource closes
      while (!(await this.#lines.next()).done) { /* discard */ }
      return (await this.#stderr).trim();
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Lines of a byte stream (without the newline). */
async function* readLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of stream) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      yield buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
    }
  }
  if (buffer) yield buffer;
}
