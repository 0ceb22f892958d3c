import { describe, expect, it } from 'vitest';
import { compareBaselineCanary, compareErrorRates, formatP } from '../../src/checks/load/compare.ts';
import {
  erfc,
  mannWhitneyU,
  normalSf,
  percentile,
  summarize,
  twoProportionZ,
} from '../../src/checks/load/stats.ts';

describe('percentile (linear interpolation, Hyndman & Fan type 7)', () => {
  it('interpolates between closest ranks, as numpy.percentile and R quantile(type = 7) do', () => {
    // numpy.percentile([1, 2, 3, 4], [50, 90, 95, 99]) → 2.5, 3.7, 3.85, 3.97
    const s = [1, 2, 3, 4];
    expect(percentile(s, 0.5)).toBe(2.5);
    expect(percentile(s, 0.9)).toBeCloseTo(3.7, 12);
    expect(percentile(s, 0.95)).toBeCloseTo(3.85, 12);
    expect(percentile(s, 0.99)).toBeCloseTo(3.97, 12);
    // On a rank exactly: no interpolation. 101 values 0…100: p95 is 95.
    const hundred = Array.from({ length: 101 }, (_, i) => i);
    expect(percentile(hundred, 0.95)).toBe(95);
  });

  it('has no percentile for no data, and one value is every percentile', () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([7], 0.99)).toBe(7);
    expect(summarize([])).toMatchObject({ count: 0, p50: null, p99: null, mean: null });
  });

  it('sorts numerically (10 after 9), not as strings', () => {
    expect(summarize([10, 9, 1, 100, 2])).toMatchObject({ min: 1, max: 100, p50: 9, mean: 24.4 });
  });
});

describe('erfc and the normal tail', () => {
  it('matches Python math.erfc across the range (values printed by CPython 3)', () => {
    const reference: [number, number][] = [
      [0.1, 0.8875370839817152],
      [0.5, 0.4795001221869535],
      [1, 0.15729920705028513],
      [1.99, 0.004888586800383003],
      [2.5, 0.0004069520174449589],
      [3.5, 7.430983723414128e-7],
      [5, 1.5374597944280351e-12],
      [10, 2.088487583762545e-45],
      [-1, 1.842700792949715],
    ];
    for (const [x, want] of reference) expect(Math.abs(erfc(x) - want) / want).toBeLessThan(1e-12);
    expect(normalSf(0)).toBe(0.5);
    expect(normalSf(1.959963984540054)).toBeCloseTo(0.025, 12);
  });
});

describe('Mann-Whitney U, one-sided, normal approximation', () => {
  it('scipy docs example: males vs females, U1 = 17, asymptotic two-sided p = 0.11134688653314041', () => {
    // scipy.stats.mannwhitneyu docs (Conover's example): the one-sided "greater" p is half of it.
    const r = mannWhitneyU([19, 22, 16, 29, 24], [20, 11, 17, 12]);
    expect(r.u).toBe(17);
    expect(r.z).toBeCloseTo(1.5921683328090657, 12); // (17 − 10 − 0.5) / √(200/12)
    expect(r.p).toBeCloseTo(0.11134688653314041 / 2, 12);
  });

  it('R: wilcox.test(c(4,5,6), c(1,2,3), alternative = "greater", exact = FALSE): W = 9, p = 0.04043', () => {
    const r = mannWhitneyU([4, 5, 6], [1, 2, 3]);
    expect(r.u).toBe(9);
    expect(r.p).toBeCloseTo(0.04042779918502615, 12);
    // The other direction: U = 0, nothing suggests [1,2,3] is larger.
    expect(mannWhitneyU([1, 2, 3], [4, 5, 6]).p).toBeGreaterThan(0.95);
  });

  it('corrects the variance for ties (hand-computed: var = 9/12 · (7 − 24/30) = 4.65)', () => {
    // Ranks of 1,2,2,2,3,4: 1, 3,3,3, 5, 6 → R(greater = [2,3,4]) = 3 + 5 + 6 = 14, U = 14 − 6 = 8.
    const r = mannWhitneyU([2, 3, 4], [1, 2, 2]);
    expect(r.u).toBe(8);
    expect(r.z).toBeCloseTo(3 / Math.sqrt(4.65), 12);
    expect(r.p).toBeCloseTo(0.08207986423925762, 12);
  });

  it('all values tied: no evidence, p = 1', () => {
    expect(mannWhitneyU([5, 5, 5], [5, 5])).toEqual({ u: 3, z: 0, p: 1 });
    expect(() => mannWhitneyU([], [1])).toThrow(RangeError);
  });
});

describe('two-proportion z-test, one-sided', () => {
  it('10/1000 vs 25/1000: z = 2.5579, p = 0.00526; z² equals the Pearson χ² of the 2×2 table', () => {
    const r = twoProportionZ(10, 1000, 25, 1000);
    expect(r.z).toBeCloseTo(2.557943557892809, 12);
    expect(r.p).toBeCloseTo(0.005264659032641468, 14);
    // Independent check: χ² = Σ (O − E)² / E over the four cells, expected from the pooled rate.
    const cells = [10, 990, 25, 975];
    const expected = [17.5, 982.5, 17.5, 982.5];
    const chi2 = cells.reduce((sum, o, i) => sum + (o - expected[i]!) ** 2 / expected[i]!, 0);
    expect(r.z ** 2).toBeCloseTo(chi2, 10);
  });

  it('no failures on either side: nothing to tell apart, p = 1', () => {
    expect(twoProportionZ(0, 600, 0, 600)).toEqual({ z: 0, p: 1 });
    expect(twoProportionZ(0, 600, 30, 600).p).toBeCloseTo(1.453047410034914e-8, 20);
  });
});

const spread = (n: number, base: number, step: number) =>
  Array.from({ length: n }, (_, i) => base + (i % 10) * step);

describe('formatP', () => {
  it('prints four decimals, exponents below 0.001, and an underflowed tail as a bound', () => {
    expect(formatP(0.0213)).toBe('p = 0.0213');
    expect(formatP(4.85e-15)).toBe('p = 4.85e-15');
    expect(formatP(0)).toBe('p < 1e-300');
  });
});

describe('compareBaselineCanary', () => {
  it('fail needs significance AND the median beyond the tolerance', () => {
    const c = compareBaselineCanary({ baseline: spread(40, 2, 0.1), canary: spread(40, 800, 1) });
    expect(c.result).toBe('fail');
    expect(c.pValue!).toBeLessThan(1e-10);
    expect(c.baseline.p50).toBeCloseTo(2.45, 10);
    expect(c.canary.p50).toBe(804.5);
    expect(c.allowedMedianMs).toBeCloseTo(7.45, 10); // max(2.45 × 1.2, 2.45 + 5)
    expect(c.reason).toMatch(/^fail: Mann-Whitney U one-sided p = .*significant at confidence 0\.98/);
  });

  it('a significant shift of 1 ms on a 2 ms endpoint is marginal, not fail (within +5 ms)', () => {
    const c = compareBaselineCanary({ baseline: spread(200, 2, 0.01), canary: spread(200, 3, 0.01) });
    expect(c.pValue!).toBeLessThan(0.02);
    expect(c.result).toBe('marginal');
  });

  it('a large shift the data cannot confirm is marginal (beyond tolerance, not significant)', () => {
    const baseline = [...spread(15, 1, 1), ...spread(15, 100, 1)];
    const canary = [...spread(14, 1, 1), ...spread(16, 100, 1)];
    const c = compareBaselineCanary({ baseline, canary });
    expect(c.pValue!).toBeGreaterThan(0.02);
    expect(c.canary.p50! > c.allowedMedianMs!).toBe(true);
    expect(c.result).toBe('marginal');
  });

  it('the same distribution passes; too few latencies on a side is inconclusive', () => {
    expect(compareBaselineCanary({ baseline: spread(50, 2, 0.1), canary: spread(50, 2, 0.1) }).result).toBe(
      'pass',
    );
    const few = compareBaselineCanary({ baseline: spread(50, 2, 0.1), canary: spread(19, 900, 1) });
    expect(few).toMatchObject({ result: 'inconclusive', pValue: null });
    expect(few.reason).toContain('canary 19, need at least 20');
  });

  it('error rates: 5% vs 0% fails; 0.2% vs 0% is marginal at most; too few requests is inconclusive', () => {
    const five = compareErrorRates({
      baseline: { errors: 0, requests: 1000 },
      canary: { errors: 50, requests: 1000 },
    });
    expect(five.result).toBe('fail');
    expect(five.reason).toContain('canary error rate 5% (50/1000) vs baseline 0% (0/1000)');
    const small = compareErrorRates({
      baseline: { errors: 0, requests: 1000 },
      canary: { errors: 2, requests: 1000 },
    });
    expect(small.result).not.toBe('fail');
    expect(
      compareErrorRates({ baseline: { errors: 0, requests: 5 }, canary: { errors: 5, requests: 5 } }).result,
    ).toBe('inconclusive');
  });
});
