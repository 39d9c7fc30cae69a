/**
 * The submissions a batch executor has in flight, recorded in the store (`batch/submissions/`)
 * as soon as they are submitted and removed once their jobs have ended: a `run` started again
 * after the submitting process died finds them, polls their jobs, and waits for those still
 * pending or running instead of submitting their items a second time.
 * @module
 */
import { join } from "node:path";
import { writeFileAtomic } from "@ristretto/core/store";
import type { JobHandle } from "./types.ts";

/** One submission: its jobs and, per job, the hashes of the items it processes. */
export interface SubmissionRecord {
  readonly format: "ristretto-submission";
  readonly version: 1;
  /** The executor that submitted it (`slurm`, `htcondor`, `dask`). */
  readonly executor: string;
  readonly tag: string;
  readonly handles: readonly JobHandle[];
  /** Item hashes of each job, in the order of `handles`. */
  readonly items: readonly (readonly string[])[];
  /** The stderr file of each job (named in failures). */
  readonly stderr: readonly string[];
  readonly submittedAt: string;
}

/** The folder of a store's submission records. */
export function ledgerDir(store: string): string {
  return join(store, "batch", "submissions");
}

/** Records a submission (atomically); returns the record's path. */
export async function recordSubmission(store: string, record: SubmissionRecord): Promise<string> {
  await Deno.mkdir(ledgerDir(store), { recursive: true });
  const path = join(ledgerDir(store), `${record.tag}.json`);
  await writeFileAtomic(path, JSON.stringify(record) + "\n");
  return path;
}

/** The recorded submissions of `executor` in a store, oldest first; unreadable records skipped. */
export async function readSubmissions(
  store: string,
  executor: string,
): Promise<{ path: string; record: SubmissionRecord }[]> {
  const found: { path: string; record: SubmissionRecord }[] = [];
  let names: string[];
  try {
    names = [...Deno.readDirSync(ledgerDir(store))].map((entry) => entry.name).sort();
  } catch {
    return [];
  }
  for (const name of names) {
    if (!name.endsWith(".json") || name.startsWith(".")) continue;
    const path = join(ledgerDir(store), name);
    try {
      const record = JSON.parse(await Deno.readTextFile(path)) as SubmissionRecord;
      if (record.format === "ristretto-submission" && record.executor === executor) {
        found.push({ path, record });
      }
    } catch {
      // a record cut short cannot name running jobs: ignore it
    }
  }
  return found.sort((a, b) => a.record.submittedAt < b.record.submittedAt ? -1 : 1);
}

/** Forgets a submission whose jobs have all ended. */
export async function forgetSubmission(path: string): Promise<void> {
  await Deno.remove(path).catch(() => {});
}
