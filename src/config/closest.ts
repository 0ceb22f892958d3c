/** Edit distance (insertions, deletions, substitutions) between two strings. */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * The candidate a mistyped `word` most likely meant, for "did you mean …?": the nearest by edit
 * distance (ignoring case), if it is at most 2 edits or a third of the word's length, whichever
 * allows more, and fewer edits than the word has letters (so `x` does not "mean" `id`). Ties go
 * to the earlier candidate. Undefined when nothing is that near.
 * @example closest('conections', ['duration', 'connections']) // 'connections'
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  const limit = Math.max(2, Math.floor(w.length / 3));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = levenshtein(w, c.toLowerCase());
    if (d < bestDistance && d <= limit && d < w.length) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}
