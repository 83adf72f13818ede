/** Edit distance, for "did you mean" suggestions on unknown model ids. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** Up to `limit` ids nearest to `wanted`: substring matches first, then by edit distance. */
export function nearest(wanted: string, ids: Iterable<string>, limit = 3): string[] {
  const w = wanted.toLowerCase();
  const scored: [string, number][] = [];
  for (const id of new Set(ids)) {
    const l = id.toLowerCase();
    const score = l.includes(w) || w.includes(l) ? Math.abs(l.length - w.length) / 100 : editDistance(w, l);
    scored.push([id, score]);
  }
  return scored
    .filter(([, s]) => s <= Math.max(3, w.length / 2))
    .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([id]) => id);
}
