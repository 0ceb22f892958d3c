import { expect, test } from 'vitest';
import { check, readVerdict, rollgate, tempReports } from './helpers.ts';

const RUNBOOK = 'test/fixtures/runbooks/bad-value.runbook.ts';
const CANNOT_HOLD = 'recorded a value the verdict cannot hold';

/** One real vitest run: bad measurements error their own checks; the verdict and the rest stand. */
test('a boolean actual errors that one check only and the verdict keeps the others (end to end)', async () => {
  const reports = tempReports();
  const r = await rollgate(['gate', 'check', '--runbook', RUNBOOK, '--release', '1.0.0'], {
    ROLLGATE_REPORTS_DIR: reports,
  });
  expect(r.exitCode, r.all).toBe(1);
  expect(r.all).not.toContain('nothing recorded');
  const v = readVerdict(reports);
  expect(v.verdict).toBe('hold');
  expect(v.checks.map((c) => [c.id, c.status])).toEqual([
    ['bad-value/good', 'passed'],
    ['bad-value/api-boolean', 'errored'],
    ['bad-value/raw-boolean', 'errored'],
    ['bad-value/raw-nan', 'errored'],
  ]);
  expect(check(v, 'bad-value/good').measurements).toEqual([
    { name: 'answer', actual: 42, operator: '==', expected: 42, samples: 1, passed: true, outcome: 'pass' },
  ]);
  // Refused at the source by measure(), and caught by the engine when a record bypassed the API.
  expect(check(v, 'bad-value/api-boolean').message).toBe(
    'measurement "healthy": actual must be a number, got boolean true',
  );
  expect(check(v, 'bad-value/raw-boolean').message).toBe(
    `${CANNOT_HOLD}: measurement "ready": actual must be a number, got boolean true`,
  );
  // NaN is named by the runner-side reporter before JSON turns it into null.
  expect(check(v, 'bad-value/raw-nan').message).toMatch(
    new RegExp(`^${CANNOT_HOLD}: measurement "p95-latency": actual must be a finite number, got NaN`),
  );
  expect(v.reasons).toContain(
    `bad-value/raw-boolean errored: ${CANNOT_HOLD}: measurement "ready": actual must be a number, got boolean true`,
  );
  // The code is a field: refused at the source by the check API, or by the engine reading the record.
  expect(v.checks.map((c) => [c.id, c.code])).toEqual([
    ['bad-value/good', undefined],
    ['bad-value/api-boolean', 'ROLLGATE_BAD_MEASUREMENT'],
    ['bad-value/raw-boolean', 'ROLLGATE_INVALID_RECORD'],
    ['bad-value/raw-nan', 'ROLLGATE_INVALID_RECORD'],
  ]);
  expect(r.all).toMatch(/✔ passed {2}bad-value\/good/);
});
