import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileStore } from '../../src/engine/store/file-store.ts';
import type { CheckResult } from '../../src/model/check-result.ts';
import { publish } from '../../src/reporters/publish.ts';
import { makeCheck, makeMeasurement, makeVerdict } from '../unit/helpers.ts';

/** Titles the report tests look for. */
export const TITLES = {
  version: 'deployed version equals the release',
  latency: 'checkout p95 latency within budget',
  database: 'database answers a query',
  health: 'health endpoint answers 200',
} as const;

export const WRONG_VERSION_BODY = 'HTTP/1.1 200 OK\n{"version":"0.0.9-wrong"}';

const version = (ok: boolean, evidence: CheckResult['evidence'] = []) =>
  makeCheck({
    id: 'probes/version',
    title: TITLES.version,
    status: ok ? 'passed' : 'failed',
    message: ok ? undefined : 'deployed 0.0.9-wrong, release is 0.1.0',
    measurements: [
      makeMeasurement({
        name: 'version',
        actual: ok ? '0.1.0' : '0.0.9-wrong',
        operator: '==',
        expected: '0.1.0',
        unit: undefined,
        samples: 1,
        passed: ok,
        outcome: ok ? 'pass' : 'fail',
      }),
    ],
    evidence,
  });

const latency = (ok: boolean) =>
  makeCheck({
    id: 'load/checkout-p95',
    title: TITLES.latency,
    kind: 'load',
    status: ok ? 'passed' : 'failed',
    message: ok ? undefined : 'p95-latency: 812 ms violates <= 500 ms',
    measurements: [makeMeasurement(ok ? {} : { actual: 812, passed: false, outcome: 'fail' })],
  });

const database = (ok: boolean) =>
  makeCheck({
    id: 'probes/database',
    title: TITLES.database,
    status: ok ? 'passed' : 'errored',
    message: ok ? undefined : 'connect ECONNREFUSED 127.0.0.1:5432',
    code: ok ? undefined : 'ROLLGATE_TARGET_UNREACHABLE',
  });

const health = () => makeCheck({ id: 'probes/health', title: TITLES.health });

/**
 * Two runs of demo/canary recorded through publish(), as a gate records them: a PROMOTE, then a
 * HOLD with a product failure (with a measurement and an HTTP response attached), a budget breach
 * and a harness error. Returns both verdicts as written.
 */
export async function promoteThenHold(reportsDir: string) {
  const store = fileStore(reportsDir);
  const mask = (s: string) => s;
  const first = await publish({
    verdict: makeVerdict([health(), version(true), latency(true), database(true)], {
      runId: '20260308T063000Z-aaaaaa',
      target: { baseURL: 'http://127.0.0.1:4000', version: '0.1.0', embedded: true },
      startedAt: '2026-03-08T06:30:00.000Z',
      finishedAt: '2026-03-08T06:31:00.000Z',
    }),
    runDir: path.join(reportsDir, 'runs', '20260308T063000Z-aaaaaa'),
    reportsDir,
    mask,
    store,
  });
  const holdDir = path.join(reportsDir, 'runs', '20260308T070000Z-bbbbbb');
  const evidenceDir = path.join(holdDir, 'evidence');
  mkdirSync(evidenceDir, { recursive: true });
  const response = path.join(evidenceDir, 'version-response.txt');
  writeFileSync(response, `${WRONG_VERSION_BODY}\n`);
  const second = await publish({
    verdict: makeVerdict(
      [
        health(),
        version(false, [{ name: 'response', contentType: 'text/plain', path: response }]),
        latency(false),
        database(false),
      ],
      {
        runId: '20260308T070000Z-bbbbbb',
        verdict: 'hold',
        reasons: [
          'probes/version failed: deployed 0.0.9-wrong, release is 0.1.0',
          'load/checkout-p95 failed: p95-latency: 812 ms violates <= 500 ms',
          'probes/database errored: connect ECONNREFUSED 127.0.0.1:5432',
        ],
        target: { baseURL: 'http://127.0.0.1:4000', version: '0.1.0', embedded: true },
        startedAt: '2026-03-08T07:00:00.000Z',
        finishedAt: '2026-03-08T07:01:00.000Z',
      },
    ),
    runDir: holdDir,
    reportsDir,
    mask,
    store,
  });
  return { promote: first, hold: second };
}
