import { measurementProblems } from '../../model/check-problems.ts';
import { Evidence } from '../../model/evidence.ts';
import type { Measurement } from '../../model/measurement.ts';
import { type BudgetSpec, describeMeasurement, evaluate } from '../budget.ts';
import { CheckFailure, ObservationError } from './errors.ts';
import type { CheckRecord } from './record.ts';

/** What a check body uses to report measurements and evidence; shared by vitest and Playwright. */
export interface CheckApi {
  /** Records a measurement against a budget and returns it, pass or fail. */
  measure(spec: BudgetSpec, actual: number | string | null | undefined, samples?: number): Measurement;
  /** Records a measurement and stops the check unless it passed: failed, or errored when there was no data. */
  require(spec: BudgetSpec, actual: number | string | null | undefined, samples?: number): Measurement;
  /**
   * Records a measurement judged by a rule rather than one comparison (a header's value against an
   * allowed set, a CSP without 'unsafe-inline'); such rules come from the checks library.
   */
  record(measurement: Measurement): Measurement;
  /** Attaches evidence: a body, or a file path. */
  attach(name: string, contentType: string, content: { body: string } | { path: string }): void;
}

/**
 * Refuses at the source what the verdict could not hold (a boolean actual, an unknown operator,
 * Infinity): the check errors with the field and the value, and nothing bad is recorded.
 */
function refuseInvalid(problems: string[]): void {
  if (problems.length) throw new ObservationError(problems.join('; '), 'ROLLGATE_BAD_MEASUREMENT');
}

export function createCheckApi(record: CheckRecord): CheckApi {
  const api: CheckApi = {
    measure(spec, actual, samples = 1) {
      // NaN and undefined are "no data" to the evaluator; anything else must be a value it can hold.
      const seen = actual === undefined || Number.isNaN(actual) ? null : actual;
      refuseInvalid(measurementProblems({ ...spec, actual: seen, samples, passed: false }));
      const m = evaluate(spec, actual, samples);
      record.measurements.push(m);
      return m;
    },
    require(spec, actual, samples = 1) {
      const m = api.measure(spec, actual, samples);
      if (m.passed) return m;
      // No data or too few samples means we could not observe: errored, never a pass or a plain fail.
      if (m.outcome === 'no-data') throw new ObservationError(describeMeasurement(m), 'ROLLGATE_NO_DATA');
      if (m.outcome === 'inconclusive')
        throw new ObservationError(describeMeasurement(m), 'ROLLGATE_INCONCLUSIVE');
      throw new CheckFailure(describeMeasurement(m));
    },
    record(measurement) {
      // One without an outcome gets the one its fields say when the engine parses the record.
      refuseInvalid(measurementProblems(measurement));
      record.measurements.push(measurement);
      return measurement;
    },
    attach(name, contentType, content) {
      const ev: Evidence = { name, contentType, ...content };
      const issues = Evidence.safeParse(ev).error?.issues ?? [];
      refuseInvalid(
        issues.map((i) => {
          const field = i.path.map(String).join('.');
          return `evidence "${name}": ${field ? `${field}: ` : ''}${i.message}`;
        }),
      );
      record.evidence.push(ev);
    },
  };
  return api;
}
