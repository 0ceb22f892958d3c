import { type LatencySummary, mannWhitneyU, summarize, twoProportionZ } from './stats.ts';

export type Judgement = 'pass' | 'marginal' | 'fail' | 'inconclusive';

/**
 * How much slower the canary's median may be before it matters in practice. The allowance is the
 * LARGER of the two bounds: a 1 ms endpoint may reach 6 ms (+5 ms), a 200 ms one 240 ms (×1.2).
 * Both are needed: a ratio alone makes sub-millisecond jitter on a shared 2-core machine look like
 * a 50% regression; a fixed delta alone ignores what 5 ms means to a slow endpoint.
 */
export interface LatencyTolerance {
  /** @example 1.2 */
  medianRatio: number;
  /** @example 5 */
  medianDeltaMs: number;
}

export interface CompareOptions {
  /** Latencies (ms) of the baseline and of the canary, one per request. */
  baseline: readonly number[];
  canary: readonly number[];
  /** 0.98 → significant when p < 0.02 (Kayenta's default). */
  confidence?: number;
  tolerance?: Partial<LatencyTolerance>;
  /** Fewer latencies than this on either side → inconclusive (default 20). */
  minSamples?: number;
}

export interface Comparison {
  result: Judgement;
  /** One-sided Mann-Whitney U p-value (canary slower); null when inconclusive for lack of data. */
  pValue: number | null;
  u: number | null;
  z: number | null;
  baseline: LatencySummary;
  canary: LatencySummary;
  /** The canary median allowed by the tolerance, in ms. */
  allowedMedianMs: number | null;
  reason: string;
}

export const DEFAULT_TOLERANCE: LatencyTolerance = { medianRatio: 1.2, medianDeltaMs: 5 };

const ms = (v: number | null) => (v === null ? 'n/a' : `${Math.round(v * 100) / 100} ms`);

/**
 * Judges whether the canary is slower than the baseline (Kayenta-style).
 * - `fail`: statistically significant (p < 1 − confidence) AND the canary median exceeds the
 *   tolerance. Both are needed, so neither noise nor a tiny but real shift can HOLD a rollout.
 * - `marginal`: exactly one of the two: significant but within tolerance (a real, small shift),
 *   or beyond tolerance but not significant (a big shift the data cannot yet confirm). Passes,
 *   but is reported.
 * - `pass`: neither. `inconclusive`: too few latencies on a side, which HOLDs (errored).
 */
export function compareBaselineCanary(opts: CompareOptions): Comparison {
  const confidence = opts.confidence ?? 0.98;
  const tolerance = { ...DEFAULT_TOLERANCE, ...opts.tolerance };
  const minSamples = opts.minSamples ?? 20;
  const baseline = summarize(opts.baseline);
  const canary = summarize(opts.canary);
  if (baseline.count < minSamples || canary.count < minSamples) {
    return {
      result: 'inconclusive',
      pValue: null,
      u: null,
      z: null,
      baseline,
      canary,
      allowedMedianMs: null,
      reason: `too few latencies to compare: baseline ${baseline.count}, canary ${canary.count}, need at least ${minSamples} each`,
    };
  }
  const { u, z, p } = mannWhitneyU(opts.canary, opts.baseline);
  const b50 = baseline.p50!;
  const c50 = canary.p50!;
  const allowed = Math.max(b50 * tolerance.medianRatio, b50 + tolerance.medianDeltaMs);
  const significant = p < 1 - confidence;
  const beyond = c50 > allowed;
  const result: Judgement = significant && beyond ? 'fail' : significant || beyond ? 'marginal' : 'pass';
  const stat = `Mann-Whitney U one-sided ${formatP(p)} (${significant ? 'significant' : 'not significant'} at confidence ${confidence})`;
  const med = `canary median ${ms(c50)} vs baseline ${ms(b50)}, allowed ${ms(allowed)} (×${tolerance.medianRatio} or +${tolerance.medianDeltaMs} ms, the larger)`;
  return {
    result,
    pValue: p,
    u,
    z,
    baseline,
    canary,
    allowedMedianMs: allowed,
    reason: `${result}: ${stat}; ${med}`,
  };
}

/** p-values span many orders of magnitude: show small ones in scientific notation. */
/** `p = 0.0213`, `p = 4.85e-15`; a tail that underflowed to 0 reads `p < 1e-300`, not `p = 0.00e+0`. */
export function formatP(p: number): string {
  if (p < 1e-300) return 'p < 1e-300';
  return `p = ${p < 0.001 ? p.toExponential(2) : p.toFixed(4)}`;
}

export interface ErrorCounts {
  errors: number;
  requests: number;
}

export interface ErrorRateComparison {
  result: Judgement;
  pValue: number | null;
  baselineRate: number | null;
  canaryRate: number | null;
  reason: string;
}

/**
 * Is the canary failing more often than the baseline? One-sided two-proportion z-test, with a
 * practical tolerance on the difference of rates (default 0.005, half a percentage point): `fail`
 * needs significance AND a difference above it; one of the two is `marginal`.
 */
export function compareErrorRates(opts: {
  baseline: ErrorCounts;
  canary: ErrorCounts;
  confidence?: number;
  tolerance?: { rateDelta?: number };
  minSamples?: number;
}): ErrorRateComparison {
  const confidence = opts.confidence ?? 0.98;
  const delta = opts.tolerance?.rateDelta ?? 0.005;
  const minSamples = opts.minSamples ?? 20;
  const { baseline: b, canary: c } = opts;
  const baselineRate = b.requests > 0 ? b.errors / b.requests : null;
  const canaryRate = c.requests > 0 ? c.errors / c.requests : null;
  if (b.requests < minSamples || c.requests < minSamples) {
    const reason = `too few requests to compare error rates: baseline ${b.requests}, canary ${c.requests}, need at least ${minSamples} each`;
    return { result: 'inconclusive', pValue: null, baselineRate, canaryRate, reason };
  }
  const { p } = twoProportionZ(b.errors, b.requests, c.errors, c.requests);
  const significant = p < 1 - confidence;
  const beyond = canaryRate! - baselineRate! > delta;
  const result: Judgement = significant && beyond ? 'fail' : significant || beyond ? 'marginal' : 'pass';
  const pct = (r: number) => `${Math.round(r * 10000) / 100}%`;
  const reason =
    `${result}: canary error rate ${pct(canaryRate!)} (${c.errors}/${c.requests}) vs baseline ${pct(baselineRate!)} ` +
    `(${b.errors}/${b.requests}); two-proportion z-test one-sided ${formatP(p)}, tolerance +${pct(delta)}`;
  return { result, pValue: p, baselineRate, canaryRate, reason };
}
