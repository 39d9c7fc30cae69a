/** Levenshtein distance between two strings (small inputs: names, not documents). */
export function editDistance(a: string, b: string): number {
  const previous = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0];
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j];
      const substitution = diagonal + (a[i - 1] === b[j - 1] ? 0 : 1);
      previous[j] = Math.min(above + 1, previous[j - 1] + 1, substitution);
      diagonal = above;
    }
  }
  return previous[b.length];
}

/**
 * The known name closest to `name`, if it is close enough to be a plausible typo.
 *
 * @example
 * ```ts
 * import { closestName } from "./did_you_mean.ts";
 * if (closestName("Jet_pT", ["Jet_pt", "Jet_eta"]) !== "Jet_pt") throw new Error();
 * ```
 */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lowered = name.toLowerCase();
  for (const candidate of known) {
    const distance = candidate.toLowerCase() === lowered ? 0.5 : editDistance(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const tolerance = Math.max(2, Math.floor(name.length / 3));
  return bestDistance <= tolerance ? best : undefined;
}

/** ` (did you mean "x"?)` when a close name exists, else an empty string; for error messages. */
export function didYouMean(name: string, known: Iterable<string>): string {
  const suggestion = closestName(name, known);
  return suggestion === undefined ? "" : ` (did you mean "${suggestion}"?)`;
}
