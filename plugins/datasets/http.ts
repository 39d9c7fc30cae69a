import { RistrettoError } from "@ristretto/core/errors";
import { API_VERSION, type DatasetSource, type DatasetSourceResult } from "@ristretto/core/plugin";

/** Options of httpListingSource. */
export interface HttpListingOptions {
  /** Milliseconds for the listing page (default 60 s). */
  readonly timeoutMs?: number;
}

/**
 * The links of an HTML index page: every `href`, resolved against the page URL, kept when it
 * lies under the page's folder and its name matches `pattern` (default `\.root$`); sorted,
 * without duplicates.
 */
export function parseIndexLinks(
  html: string,
  pageUrl: string,
  options: { pattern?: RegExp } = {},
): string[] {
  const pattern = options.pattern ?? /\.root$/;
  const base = new URL(pageUrl.endsWith("/") ? pageUrl : `${pageUrl}/`);
  const links = new Set<string>();
  for (const match of html.matchAll(/href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi)) {
    const href = (match[1] ?? match[2] ?? match[3]).replace(/&amp;/g, "&");
    let url: URL;
    try {
      url = new URL(href, base);
    } catch {
      continue;
    }
    url.hash = "";
    // Some servers (XrdHttp) link `folder//file`: the same file, so one spelling.
    url.pathname = url.pathname.replace(/\/{2,}/g, "/");
    if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname)) continue;
    const name = decodeURIComponent(url.pathname.slice(url.pathname.lastIndexOf("/") + 1));
    if (name && pattern.test(name)) links.add(url.href);
  }
  return [...links].sort();
}

/**
 * The `http` dataset source: the files listed on an HTTP directory index page (`http_index`:
 * a URL or a list of them; `pattern`: a regular expression over file names, default `\.root$`).
 */
export function httpListingSource(options: HttpListingOptions = {}): DatasetSource {
  return {
    kind: "dataset-source",
    name: "http",
    version: "0.1.0",
    apiVersion: API_VERSION,
    accepts: (entry) => typeof entry.http_index === "string" || Array.isArray(entry.http_index),
    async build(entry): Promise<DatasetSourceResult> {
      const pages = ([] as unknown[]).concat(entry.http_index).map(String);
      const pattern = new RegExp(typeof entry.pattern === "string" ? entry.pattern : "\\.root$");
      const files: string[] = [];
      for (const page of pages) {
        let html: string;
        try {
          const response = await fetch(page, {
            signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
          });
          html = await response.text();
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
        } catch (cause) {
          throw new RistrettoError(
            "DATASETS_HTTP_LISTING",
            `Cannot list "${page}": ${(cause as Error).message}`,
            { cause },
          );
        }
        const links = parseIndexLinks(html, page, { pattern });
        if (links.length === 0) {
          throw new RistrettoError(
            "DATASETS_NO_FILES",
            `Cannot list "${page}": the page links no file matching ${pattern}`,
          );
        }
        files.push(...links.filter((link) => !files.includes(link)));
      }
      return { files };
    },
  };
}
