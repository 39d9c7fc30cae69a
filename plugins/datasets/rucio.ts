import { RistrettoError } from "@ristretto/core/errors";
import {
  API_VERSION,
  type DatasetSource,
  type DatasetSourceResult,
  type SiteFilter,
} from "@ristretto/core/plugin";
import { runTool } from "./_exec.ts";

/** Options of rucioSource. */
export interface RucioOptions {
  /** The rucio executable (default `rucio` on PATH). */
  readonly executable?: string;
  /** Rucio scope of CMS datasets (default `cms`). */
  readonly scope?: string;
  /** Replica protocol asked for (default `root`). */
  readonly protocol?: string;
  /** Site preference when no allow-list orders them: earlier wins, unlisted sites last. */
  readonly priority?: readonly string[];
  readonly timeoutMs?: number;
}

/** One replica of one file. */
export interface Replica {
  /** Logical file name, `/store/...`. */
  readonly name: string;
  /** The RSE (site), e.g. `T2_IT_Pisa`. */
  readonly site: string;
  /** The physical URL at that site. */
  readonly pfn: string;
  /** Rucio's own priority of the replica, lower first (JSON output only). */
  readonly priority?: number;
}

/**
 * Parses `rucio list-file-replicas --protocols root SCOPE:DATASET`: either its table
 * (`| SCOPE | NAME | FILESIZE | ADLER32 | RSE: REPLICA |`, one row per replica) or JSON lines
 * as the REST API answers `/replicas/list` (`{scope, name, pfns: {pfn: {rse, priority}}}`).
 */
export function parseRucioReplicas(text: string): Replica[] {
  const replicas: Replica[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("{")) {
      const record = JSON.parse(line) as {
        name?: string;
        pfns?: Record<string, { rse?: string; priority?: number }>;
        rses?: Record<string, string[]>;
      };
      if (typeof record.name !== "string") continue;
      if (record.pfns) {
        for (const [pfn, info] of Object.entries(record.pfns)) {
          replicas.push({ name: record.name, site: info.rse ?? "", pfn, priority: info.priority });
        }
      } else {
        for (const [site, pfns] of Object.entries(record.rses ?? {})) {
          for (const pfn of pfns) replicas.push({ name: record.name, site, pfn });
        }
      }
      continue;
    }
    if (!line.startsWith("|")) continue;
    const cells = line.split("|").slice(1, -1).map((cell) => cell.trim());
    if (cells.length < 5 || cells[0] === "SCOPE") continue;
    const replica = /^([^:\s]+):\s*(\S+)$/.exec(cells[cells.length - 1]);
    if (!replica) continue;
    replicas.push({ name: cells[1], site: replica[1], pfn: replica[2] });
  }
  return replicas;
}

/** True when a site passes the filter (allow-list, block-list, regex). */
export function siteAllowed(site: string, sites: SiteFilter = {}): boolean {
  if (sites.allow && sites.allow.length > 0 && !sites.allow.includes(site)) return false;
  if (sites.block?.includes(site)) return false;
  if (sites.regex && !new RegExp(sites.regex).test(site)) return false;
  return true;
}

/**
 * One replica per file: among the allowed sites, the first of the allow-list order, else of
 * `priority`, else Rucio's priority, else Rucio's order. Files with no allowed replica are
 * listed in `missing`.
 */
export function chooseReplicas(
  replicas: readonly Replica[],
  sites: SiteFilter & { priority?: readonly string[] } = {},
): { chosen: Map<string, Replica>; missing: string[] } {
  const order = sites.allow && sites.allow.length > 0 ? sites.allow : sites.priority ?? [];
  const rank = (site: string) => {
    const i = order.indexOf(site);
    return i < 0 ? order.length : i;
  };
  const byName = new Map<string, Replica[]>();
  for (const replica of replicas) {
    const list = byName.get(replica.name) ?? [];
    list.push(replica);
    byName.set(replica.name, list);
  }
  const chosen = new Map<string, Replica>();
  const missing: string[] = [];
  for (const [name, list] of byName) {
    const candidates = list
      .map((replica, index) => ({ replica, index }))
      .filter(({ replica }) => siteAllowed(replica.site, sites))
      .sort((a, b) =>
        rank(a.replica.site) - rank(b.replica.site) ||
        (a.replica.priority ?? 0) - (b.replica.priority ?? 0) ||
        a.index - b.index
      );
    if (candidates.length === 0) missing.push(name);
    else chosen.set(name, candidates[0].replica);
  }
  return { chosen, missing };
}

/**
 * The `rucio` dataset source: one site URL per file of each `das_names` dataset, from the rucio
 * command line's replica list, filtered by site allow-list, block-list and regex.
 */
export function rucioSource(options: RucioOptions = {}): DatasetSource & {
  /** Every replica of the files of one dataset. */
  replicas(dataset: string): Promise<Replica[]>;
} {
  const replicas = async (dataset: string) => {
    const text = await runTool(
      options.executable ?? "rucio",
      [
        "list-file-replicas",
        "--protocols",
        options.protocol ?? "root",
        `${options.scope ?? "cms"}:${dataset}`,
      ],
      { action: `list the Rucio replicas of "${dataset}"`, timeoutMs: options.timeoutMs },
    );
    return parseRucioReplicas(text);
  };
  return {
    kind: "dataset-source",
    name: "rucio",
    version: "0.1.0",
    apiVersion: API_VERSION,
    accepts: (entry) => Array.isArray(entry.das_names) && entry.das_names.length > 0,
    replicas,
    async build(entry, buildOptions): Promise<DatasetSourceResult> {
      const files: string[] = [];
      for (const dataset of entry.das_names as string[]) {
        const { chosen, missing } = chooseReplicas(await replicas(dataset), {
          ...buildOptions.sites,
          priority: options.priority,
        });
        if (missing.length > 0) {
          throw new RistrettoError(
            "DATASETS_NO_REPLICA",
            `Cannot build dataset "${dataset}": ${missing.length} file(s) have no replica at an allowed site (first: ${
              missing[0]
            }); loosen --allowlist-sites/--blocklist-sites/--regex-sites or use --redirector`,
          );
        }
        if (chosen.size === 0) {
          throw new RistrettoError(
            "DATASETS_EMPTY",
            `Cannot build dataset "${dataset}": Rucio lists no replicas for it`,
          );
        }
        for (const name of [...chosen.keys()].sort()) files.push(chosen.get(name)!.pfn);
      }
      return { files };
    },
  };
}
