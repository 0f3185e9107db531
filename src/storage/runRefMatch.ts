// Matching what a user typed (an id, an id prefix, a run name) against the runs of a store.

export interface RunRef {
  id: string;
  name: string;
}

export type RunRefMatch =
  | { kind: 'match'; id: string }
  | { kind: 'ambiguous'; ids: string[] }
  | { kind: 'none'; near: string[] };

const NEAR_LIMIT = 5;

/** Edit distance (insertions, deletions, substitutions), two-row dynamic programme. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost));
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * Resolves `ref` against `runs` (given newest first): an exact id, else a unique id prefix, else a
 * unique exact name (case-insensitive). Otherwise lists ambiguous matches or near matches:
 * ids or names containing the text, or within a small edit distance of it.
 */
export function matchRunRef(ref: string, runs: readonly RunRef[]): RunRefMatch {
  const wanted = ref.trim();
  if (runs.some((run) => run.id === wanted)) return { kind: 'match', id: wanted };

  const byPrefix = runs.filter((run) => run.id.startsWith(wanted));
  if (byPrefix.length === 1) return { kind: 'match', id: byPrefix[0].id };
  if (byPrefix.length > 1) return { kind: 'ambiguous', ids: byPrefix.map((run) => run.id) };

  const lower = wanted.toLowerCase();
  const byName = runs.filter((run) => run.name.toLowerCase() === lower);
  if (byName.length === 1) return { kind: 'match', id: byName[0].id };
  if (byName.length > 1) return { kind: 'ambiguous', ids: byName.map((run) => run.id) };

  const tolerance = Math.max(1, Math.floor(wanted.length / 4));
  const scored: { id: string; score: number; order: number }[] = [];
  runs.forEach((run, order) => {
    const id = run.id.toLowerCase();
    const name = run.name.toLowerCase();
    let score: number;
    if (id.includes(lower) || name.includes(lower)) score = 0;
    else score = Math.min(editDistance(lower, id.slice(0, lower.length)), editDistance(lower, name));
    if (score <= tolerance) scored.push({ id: run.id, score, order });
  });
  scored.sort((a, b) => a.score - b.score || a.order - b.order);
  return { kind: 'none', near: scored.slice(0, NEAR_LIMIT).map((entry) => entry.id) };
}
