import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LedgerEntry } from '../../src/model/ledger-entry.ts';

/** The secret the project's target declares, and a value for it that the ledger quotes. */
export const SECRET_NAME = 'SHOP_API_TOKEN';
export const SECRET = 'tok-9f8e7d6c5b4a';

/** A project root (a temporary folder) with a runbook "shop" of stages staging, canary and production. */
export function writeProject(root: string): void {
  writeFileSync(path.join(root, 'a.suite.ts'), '');
  const stage = `{ target: 't', suites: ['a.suite.ts'] }`;
  writeFileSync(
    path.join(root, 'rollgate.runbook.ts'),
    `export default { name: 'shop', targets: { t: { baseURL: 'http://127.0.0.1:9', secrets: ['${SECRET_NAME}'] } }, ` +
      `stages: { staging: ${stage}, canary: ${stage}, production: ${stage} } };\n`,
  );
}

/** A ledger line of runbook "shop" that passed all its 6 checks in 12.4 s; override what a test is about. */
export function entry(over: Partial<LedgerEntry> & { runId: string }): LedgerEntry {
  return {
    schemaVersion: 1,
    runbook: 'shop',
    stage: 'staging',
    release: '1.0.0',
    verdict: 'promote',
    startedAt: '2026-11-02T09:00:00.000Z',
    finishedAt: '2026-11-02T09:00:12.400Z',
    summary: { passed: 6, failed: 0, errored: 0, skipped: 0, flaky: 0, waived: 0, total: 6 },
    reasons: [],
    ...over,
  };
}

const HOLD = { passed: 4, failed: 1, errored: 1, skipped: 0, flaky: 0, waived: 0, total: 6 };

/** Four runs of "shop" (two releases, staging then canary) and one of another runbook, oldest first. */
export const LEDGER: LedgerEntry[] = [
  entry({ runId: 'r1-staging-100' }),
  entry({
    runId: 'r2-canary-100',
    stage: 'canary',
    verdict: 'hold',
    startedAt: '2026-11-02T10:00:00.000Z',
    finishedAt: '2026-11-02T10:03:05.000Z',
    summary: HOLD,
    reasons: [
      'load/p95-latency failed: p95-latency 612 ms > 500 ms (1200 samples)',
      'probes/version errored: connection refused',
    ],
  }),
  entry({ runId: 'other-runbook', runbook: 'billing', stage: 'canary' }),
  entry({
    runId: 'r3-staging-110',
    release: '1.1.0',
    startedAt: '2026-11-03T09:00:00.000Z',
    finishedAt: '2026-11-03T09:00:00.850Z',
  }),
  entry({
    runId: 'r4-canary-110',
    stage: 'canary',
    release: '1.1.0',
    startedAt: '2026-11-03T10:00:00.000Z',
    finishedAt: '2026-11-03T11:02:00.000Z',
  }),
];

/** The lines `rollgate history` prints for the given runs of "shop", after its heading. */
export const TABLE: Record<string, string> = {
  header: 'WHEN                  STAGE    RELEASE  VERDICT  CHECKS  DURATION  RUN ID          FIRST REASON',
  'r1-staging-100': '2026-11-02 09:00:00Z  staging  1.0.0    PROMOTE  6/6     12.4s     r1-staging-100',
  'r2-canary-100':
    '2026-11-02 10:00:00Z  canary   1.0.0    HOLD     4/6     3m05s     r2-canary-100   load/p95-latency failed: p95-latency 612 ms > 500 ms (1200 samples) (+1 more)',
  'r3-staging-110': '2026-11-03 09:00:00Z  staging  1.1.0    PROMOTE  6/6     850ms     r3-staging-110',
  'r4-canary-110': '2026-11-03 10:00:00Z  canary   1.1.0    PROMOTE  6/6     1h02m     r4-canary-110',
};
