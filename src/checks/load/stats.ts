/**
 * The statistics behind load budgets and baseline-versus-canary judgement. No dependencies: each
 * formula is short, stated here, and unit-tested against published reference values.
 */

export type PercentileKey = 'p50' | 'p90' | 'p95' | 'p99';
export const PERCENTILES: Record<PercentileKey, number> = { p50: 0.5, p90: 0.9, p95: 0.95, p99: 0.99 };

export interface LatencySummary {
  count: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
}

/**
 * Percentile by linear interpolation between closest ranks (Hyndman & Fan type 7, the default of
 * numpy and R): rank h = q·(n−1), value = x[⌊h⌋] + (h−⌊h⌋)·(x[⌈h⌉]−x[⌊h⌋]). It is the method k6's
 * Trend metric uses, so a percentile recomputed from k6's points equals k6's own summary exactly.
 * `sorted` must be ascending; an empty array has no percentile (null, never 0).
 * @example percentile([1, 2, 3, 4], 0.5) // 2.5
 */
export function percentile(sorted: readonly number[], q: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  if (n === 1) return sorted[0]!;
  const h = q * (n - 1);
  const lo = sorted[Math.floor(h)]!;
  const hi = sorted[Math.ceil(h)]!;
  return lo + (hi - lo) * (h - Math.floor(h));
}

/** A sorted copy (typed-array sort is numeric, and fast on tens of thousands of latencies). */
export function ascending(values: readonly number[]): number[] {
  return Array.from(Float64Array.from(values).sort());
}

/** Count, extremes, mean and the four budget percentiles of a set of latencies. */
export function summarize(values: readonly number[]): LatencySummary {
  const s = ascending(values);
  const n = s.length;
  return {
    count: n,
    min: n ? s[0]! : null,
    max: n ? s[n - 1]! : null,
    mean: n ? s.reduce((a, b) => a + b, 0) / n : null,
    p50: percentile(s, PERCENTILES.p50),
    p90: percentile(s, PERCENTILES.p90),
    p95: percentile(s, PERCENTILES.p95),
    p99: percentile(s, PERCENTILES.p99),
  };
}

/**
 * Complementary error function to ~1e-13 relative accuracy. Below 2: erf from the series
 * erf(x) = 2/√π·e^(−x²)·Σ (2x²)^k·x/(2k+1)!! (all terms positive, no cancellation); from 2 on:
 * the continued fraction erfc(x) = e^(−x²)/√π · 1/(x+ (1/2)/(x+ 1/(x+ (3/2)/(x+ …)))), evaluated
 * bottom-up. JavaScript has no Math.erfc; cross-checked against Python's math.erfc in the tests.
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) {
    let term = x;
    let sum = x;
    for (let k = 1; k < 200 && term > sum * 1e-17; k++) {
      term *= (2 * x * x) / (2 * k + 1);
      sum += term;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
  }
  let f = x;
  for (let k = 120; k >= 1; k--) f = x + k / 2 / f;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/** Upper tail of the standard normal distribution: P(Z ≥ z). */
export function normalSf(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

export interface MannWhitneyResult {
  /** U of the first sample (`greater`): pairs where it is larger, ties counting one half. */
  u: number;
  z: number;
  /** One-sided p-value for "`greater` is stochastically larger than `other`". */
  p: number;
}

/**
 * One-sided Mann-Whitney U test, H1: `greater` tends to be larger than `other` (for latencies: the
 * canary is slower). Normal approximation with the tie correction of the variance and a continuity
 * correction of 0.5 toward the mean; this is scipy.stats.mannwhitneyu(greater, other,
 * alternative='greater', method='asymptotic'). All values tied (zero variance) → z = 0, p = 1.
 * Needs at least one value on each side.
 */
export function mannWhitneyU(greater: readonly number[], other: readonly number[]): MannWhitneyResult {
  const n1 = greater.length;
  const n2 = other.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('Mann-Whitney U needs at least one value per sample');
  const all = [...greater.map((v) => ({ v, g: true })), ...other.map((v) => ({ v, g: false }))];
  all.sort((a, b) => a.v - b.v);
  const n = n1 + n2;
  let rankSum = 0;
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && all[j + 1]!.v === all[i]!.v) j++;
    const t = j - i + 1;
    const midRank = (i + j + 2) / 2; // ranks are 1-based: i+1 … j+1
    for (let k = i; k <= j; k++) if (all[k]!.g) rankSum += midRank;
    tieTerm += t * t * t - t;
    i = j + 1;
  }
  const u = rankSum - (n1 * (n1 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (!(variance > 0)) return { u, z: 0, p: 1 };
  const z = (u - mean - 0.5) / Math.sqrt(variance);
  return { u, z, p: normalSf(z) };
}

export interface ProportionResult {
  z: number;
  /** One-sided p-value for "the second proportion is larger than the first". */
  p: number;
}

/**
 * One-sided two-proportion z-test with the pooled standard error, H1: p2 > p1 (the canary fails
 * more often than the baseline). z = (p̂2 − p̂1) / √(p̂(1−p̂)(1/n1 + 1/n2)), p̂ = (x1+x2)/(n1+n2);
 * equal to R's prop.test(c(x2, x1), c(n2, n1), alternative = 'greater', correct = FALSE).
 * No failures (or only failures) on both sides → z = 0, p = 1: there is nothing to tell apart.
 */
export function twoProportionZ(x1: number, n1: number, x2: number, n2: number): ProportionResult {
  if (n1 <= 0 || n2 <= 0) throw new RangeError('a proportion test needs at least one trial per side');
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (!(se > 0)) return { z: 0, p: 1 };
  const z = (x2 / n2 - x1 / n1) / se;
  return { z, p: normalSf(z) };
}
