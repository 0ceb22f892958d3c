import type { Measurement } from '../../model/measurement.ts';
import type { Budget } from '../../model/runbook.ts';
import type { CheckApi } from '../authoring/check-api.ts';
import { CheckFailure, ObservationError } from '../authoring/errors.ts';
import { type BudgetSpec, describeMeasurement, evaluate } from '../budget.ts';

/**
 * Web-vitals budget names, as a stage's `budgets` spell them. Timings are in milliseconds; CLS is
 * a unitless score. @example { name: 'lcp', operator: '<=', value: 2500, unit: 'ms' }
 */
export const VITALS = ['fcp', 'lcp', 'cls', 'ttfb', 'inp'] as const;
export type VitalName = (typeof VITALS)[number];

/** What a person reads in a hold reason. */
export const VITAL_TITLES: Record<VitalName, string> = {
  fcp: 'First Contentful Paint',
  lcp: 'Largest Contentful Paint',
  cls: 'Cumulative Layout Shift',
  ttfb: 'Time to First Byte',
  inp: 'Interaction to Next Paint',
};

/** The final value of each metric one page load reported (a metric it never reported is absent). */
export type VitalValues = Partial<Record<VitalName, number>>;

export function isVitalName(name: string): name is VitalName {
  return (VITALS as readonly string[]).includes(name);
}

/** Median of the values, or null for none; an even count averages the two middle values. */
export function median(values: readonly number[]): number | null {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Whole milliseconds; CLS to four decimals (its budgets are like 0.1). */
function round(name: VitalName, value: number): number {
  return name === 'cls' ? Math.round(value * 10_000) / 10_000 : Math.round(value);
}

/** Median per metric over the runs that produced it; `samples` counts those runs. */
export function aggregateVitals(
  runs: readonly VitalValues[],
): Record<VitalName, { value: number | null; samples: number }> {
  const out = {} as Record<VitalName, { value: number | null; samples: number }>;
  for (const name of VITALS) {
    const seen = runs
      .map((r) => r[name])
      .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    const m = median(seen);
    out[name] = { value: m === null ? null : round(name, m), samples: seen.length };
  }
  return out;
}

function specOf(budget: Budget, name: VitalName, runs: number): BudgetSpec {
  const unit = name === 'cls' ? undefined : 'ms';
  const given = budget.unit?.trim() || undefined;
  if (given !== unit) {
    throw new ObservationError(
      `budget "${budget.name}": unit "${given ?? '(none)'}" does not match what web vitals measure; ` +
        `write ${name === 'cls' ? "CLS as a unitless score (no unit), e.g. { name: 'cls', operator: '<=', value: 0.1 }" : `${name} in milliseconds, e.g. { name: '${name}', operator: '<=', value: 2500, unit: 'ms' }`}`,
      'ROLLGATE_CONFIG',
    );
  }
  // Every run must report the metric unless the budget says how many suffice: a median of one
  // run out of three is not what the stage asked for.
  return {
    name,
    operator: budget.operator,
    expected: budget.value,
    unit,
    minSamples: budget.minSamples ?? runs,
  };
}

/**
 * Judges aggregated runs against the stage's web-vitals budgets (those named fcp, lcp, cls, ttfb,
 * inp), through the one evaluator. Only metrics in `measured` are judged (INP only where the page
 * had an interaction). A budgeted metric no run produced is `no data`, which never passes.
 */
export function evaluateVitals(
  runs: readonly VitalValues[],
  budgets: readonly Budget[],
  measured: readonly VitalName[] = VITALS,
): Measurement[] {
  const agg = aggregateVitals(runs);
  return budgets
    .filter((b) => isVitalName(b.name) && measured.includes(b.name))
    .map((b) => {
      const name = b.name as VitalName;
      return evaluate(specOf(b, name, runs.length), agg[name].value, agg[name].samples);
    });
}

/**
 * Records every web-vitals measurement of one page, then stops the check unless all passed:
 * failed when a budget was broken, errored when nothing was measured or no budget applies.
 */
export function requireVitals(
  check: CheckApi,
  page: string,
  runs: readonly VitalValues[],
  budgets: readonly Budget[],
  measured: readonly VitalName[] = VITALS,
): Measurement[] {
  const ms = evaluateVitals(runs, budgets, measured);
  if (ms.length === 0) {
    throw new ObservationError(
      `${page}: the stage has no web-vitals budgets (${measured.join(', ')}); add them to the stage's budgets ` +
        `in the runbook, e.g. { name: 'lcp', operator: '<=', value: 2500, unit: 'ms' }`,
      'ROLLGATE_NO_DATA',
    );
  }
  for (const m of ms) check.record(m);
  const broken = ms.filter((m) => !m.passed);
  if (broken.length === 0) return ms;
  const text = `${page}: ${broken.map((m) => `${VITAL_TITLES[m.name as VitalName]}: ${describeMeasurement(m)}`).join('; ')}`;
  // Only when nothing broken was actually observed is the check errored rather than failed.
  if (broken.every((m) => m.actual === null || m.note !== undefined)) {
    throw new ObservationError(text, 'ROLLGATE_NO_DATA');
  }
  throw new CheckFailure(text);
}
