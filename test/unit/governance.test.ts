import { afterAll, describe, expect, test } from 'vitest';
import { validateRunbook } from '../../src/config/load-runbook.ts';
import { applyWaivers, governanceChecks } from '../../src/engine/steps/governance.ts';
import { fileStore } from '../../src/engine/store/file-store.ts';
import { makeCheck, tempDirs } from './helpers.ts';

const dirs = tempDirs();
afterAll(() => dirs.cleanup());

const runbook = validateRunbook('rb.ts', {
  name: 'shop',
  targets: { t: { baseURL: 'http://127.0.0.1:9' } },
  stages: {
    staging: { target: 't', suites: ['a.suite.ts'] },
    production: {
      target: 't',
      suites: ['a.suite.ts'],
      requires: { stages: [{ stage: 'staging', soak: '24h' }], drill: { within: '7d' } },
    },
    dr: { target: 't', suites: ['a.suite.ts'], drill: { backups: { dir: 'backups' } } },
  },
  signoffs: [{ title: 'Security team approval', stage: 'production' }],
});

const entry = (
  stage: string,
  release: string,
  finishedAt: string,
  verdict: 'promote' | 'hold' = 'promote',
) => ({
  schemaVersion: 1 as const,
  runId: `${stage}-${finishedAt}`,
  runbook: 'shop',
  stage,
  release,
  verdict,
  startedAt: finishedAt,
  finishedAt,
  summary: {},
  reasons: [],
});

async function run(now: string, setup: (s: ReturnType<typeof fileStore>) => Promise<void> = async () => {}) {
  const store = fileStore(dirs.make());
  await setup(store);
  return governanceChecks({
    runbook,
    runbookFile: 'rb.ts',
    stageName: 'production',
    stage: runbook.stages.production!,
    release: '1.0.0',
    now: new Date(now),
    store,
  });
}

const byId = (r: Awaited<ReturnType<typeof run>>) => Object.fromEntries(r.checks.map((c) => [c.id, c]));

describe('governance checks', () => {
  test('nothing in the store: every requirement and sign-off fails with what to do', async () => {
    const c = byId(await run('2026-11-22T12:00:00Z'));
    expect(c['signoff/security-team-approval']?.status).toBe('failed');
    expect(c['signoff/security-team-approval']?.message).toContain(
      'sign production "Security team approval" --by <name> --release 1.0.0 --runbook rb.ts',
    );
    expect(c['requires/staging']).toMatchObject({ status: 'failed', blocking: true });
    expect(c['requires/drill']?.message).toBe('no passing dr drill in the ledger');
  });

  test('a soak counts from the PROMOTE; a HOLD or another release does not count', async () => {
    const setup = async (s: ReturnType<typeof fileStore>) => {
      await s.appendLedger(entry('staging', '1.0.0', '2026-11-21T10:00:00.000Z', 'hold'));
      await s.appendLedger(entry('staging', '0.9.0', '2026-11-01T10:00:00.000Z'));
      await s.appendLedger(entry('staging', '1.0.0', '2026-11-21T13:00:00.000Z'));
      await s.appendLedger(entry('dr', '0.9.0', '2026-11-20T02:00:00.000Z'));
    };
    const early = byId(await run('2026-11-22T12:00:00Z', setup));
    expect(early['requires/staging']?.status).toBe('failed');
    expect(early['requires/staging']?.measurements[0]).toMatchObject({
      name: 'staging-soak',
      actual: 82800,
      operator: '>=',
      expected: 86400,
      passed: false,
    });
    expect(early['requires/drill']?.status).toBe('passed');
    const late = byId(await run('2026-11-22T13:00:00Z', setup));
    expect(late['requires/staging']?.status).toBe('passed');
    const staleDrill = byId(await run('2026-11-28T02:00:01Z', setup));
    expect(staleDrill['requires/drill']?.status).toBe('failed');
  });

  test('item 5: a later HOLD revokes requires/<stage>; the newest outcome decides', async () => {
    const r = byId(
      await run('2026-11-25T12:00:00Z', async (s) => {
        await s.appendLedger(entry('staging', '1.0.0', '2026-11-21T10:00:00.000Z'));
        await s.appendLedger(entry('staging', '1.0.0', '2026-11-22T10:00:00.000Z', 'hold'));
        await s.appendLedger(entry('dr', '0.9.0', '2026-11-24T02:00:00.000Z'));
        await s.appendLedger(entry('dr', '1.0.0', '2026-11-25T02:00:00.000Z', 'hold'));
      }),
    );
    expect(r['requires/staging']).toMatchObject({ status: 'failed' });
    expect(r['requires/staging']?.message).toBe(
      'the newest staging gate for release 1.0.0 held (run staging-2026-11-22T10:00:00.000Z at 2026-11-22T10:00:00.000Z): a later HOLD revokes an earlier PROMOTE; run the staging gate again once it passes',
    );
    expect(r['requires/drill']?.status).toBe('failed');
    expect(r['requires/drill']?.message).toContain(
      'the newest dr drill held (run dr-2026-11-25T02:00:00.000Z',
    );
  });

  test('item 5: a soak counts from the start of the newest unbroken run of PROMOTEs', async () => {
    const setup = async (s: ReturnType<typeof fileStore>) => {
      await s.appendLedger(entry('staging', '1.0.0', '2026-11-20T10:00:00.000Z'));
      await s.appendLedger(entry('staging', '1.0.0', '2026-11-21T10:00:00.000Z', 'hold'));
      await s.appendLedger(entry('staging', '1.0.0', '2026-11-21T12:00:00.000Z'));
      await s.appendLedger(entry('staging', '1.0.0', '2026-11-22T09:00:00.000Z'));
    };
    // 48 h after the first PROMOTE but only 23 h after the PROMOTE that followed the HOLD.
    const early = byId(await run('2026-11-22T11:00:00Z', setup))['requires/staging'];
    expect(early?.status).toBe('failed');
    expect(early?.measurements[0]).toMatchObject({ actual: 23 * 3600, expected: 24 * 3600 });
    expect(early?.message).toBe(
      'staging promoted 23.0 h ago (run staging-2026-11-21T12:00:00.000Z, start of its newest unbroken run of PROMOTEs); the soak needs 24.0 h',
    );
    const late = byId(await run('2026-11-22T12:00:00Z', setup))['requires/staging'];
    expect(late?.status).toBe('passed');
    expect(late?.message).toBe(
      'promoted by run staging-2026-11-21T12:00:00.000Z at 2026-11-21T12:00:00.000Z (newest PROMOTE staging-2026-11-22T09:00:00.000Z)',
    );
  });

  test('a sign-off for this release counts and is reported with who, when and note', async () => {
    const r = await run('2026-11-22T12:00:00Z', async (s) => {
      await s.addSignoff({
        runbook: 'shop',
        stage: 'production',
        release: '0.9.0',
        title: 'Security team approval',
        by: 'eve',
        at: '2026-11-01T00:00:00.000Z',
      });
      await s.addSignoff({
        runbook: 'shop',
        stage: 'production',
        release: '1.0.0',
        title: 'Security team approval',
        by: 'alice',
        at: '2026-11-22T11:00:00.000Z',
        note: 'ok',
      });
    });
    expect(byId(r)['signoff/security-team-approval']?.status).toBe('passed');
    expect(r.signoffs).toEqual([expect.objectContaining({ by: 'alice', note: 'ok', release: '1.0.0' })]);
  });

  test('waivers apply to failed checks of the same id until they expire, never to errored ones', () => {
    const w = {
      runbook: 'shop',
      stage: 'production',
      release: '1.0.0',
      by: 'carol',
      reason: 'accepted',
      at: '2026-11-20T00:00:00.000Z',
      expires: '2026-11-23T00:00:00.000Z',
    };
    const checks = [
      makeCheck({ id: 'a', status: 'failed' }),
      makeCheck({ id: 'b', status: 'errored' }),
      makeCheck({ id: 'c', status: 'failed' }),
    ];
    const out = applyWaivers(
      checks,
      [
        { ...w, checkId: 'a' },
        { ...w, checkId: 'b' },
      ],
      new Date('2026-11-22T00:00:00Z'),
    );
    expect(out.map((c) => c.status)).toEqual(['waived', 'errored', 'failed']);
    expect(out[0]?.waiver).toEqual({ by: 'carol', reason: 'accepted', expires: w.expires, at: w.at });
    const expired = applyWaivers(checks, [{ ...w, checkId: 'a' }], new Date('2026-11-23T00:00:00Z'));
    expect(expired[0]?.status).toBe('failed');
  });
});
