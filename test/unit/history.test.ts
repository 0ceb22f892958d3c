import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { fileStore } from '../../src/engine/store/file-store.ts';
import { LedgerEntry } from '../../src/model/ledger-entry.ts';
import { formatRunDuration, historyTable, selectHistory } from '../../src/reporters/history-table.ts';
import { cliIn } from './cli-in.ts';
import { tempDirs } from './helpers.ts';
import { entry, LEDGER, SECRET, SECRET_NAME, TABLE, writeProject } from './history-fixtures.ts';

/**
 * `rollgate history` on the file store: a project in a temporary folder, its ledger written by the
 * store gates append through (reports/ledger.jsonl), the command run in this process.
 */

const dirs = tempDirs('rollgate-history-');
afterAll(() => dirs.cleanup());
afterEach(() => vi.unstubAllEnvs());

async function project(entries: readonly LedgerEntry[] = LEDGER): Promise<string> {
  const root = dirs.make();
  writeProject(root);
  const store = fileStore(path.join(root, 'reports'));
  for (const e of entries) await store.appendLedger(e);
  return root;
}

/** The run ids in the table's rows, top to bottom. */
const runIds = (out: string) =>
  out
    .split('\n')
    .slice(2)
    .map((l) => /\s(r\d-[a-z]+-\d+)(\s|$)/.exec(l)?.[1]);

describe('rollgate history (file store)', () => {
  it('prints the runbook’s runs as a table, oldest first, the newest last', async () => {
    const root = await project();
    const r = await cliIn(root, ['history']);
    expect(r.code, r.err).toBe(0);
    expect(r.out.split('\n')).toEqual([
      `shop: 4 run(s), oldest first, from ${path.join(root, 'reports', 'ledger.jsonl')}`,
      TABLE.header,
      TABLE['r1-staging-100'],
      TABLE['r2-canary-100'],
      TABLE['r3-staging-110'],
      TABLE['r4-canary-110'],
    ]);
  });

  it('filters by --stage and --release; --limit keeps the newest', async () => {
    const root = await project();
    const canary = await cliIn(root, ['history', '--stage', 'canary']);
    expect(canary.out.split('\n')[0]).toBe(
      `shop: 2 of 4 runs (stage canary), oldest first, from ${path.join(root, 'reports', 'ledger.jsonl')}`,
    );
    expect(runIds(canary.out)).toEqual(['r2-canary-100', 'r4-canary-110']);
    expect(runIds((await cliIn(root, ['history', '--release', '1.1.0'])).out)).toEqual([
      'r3-staging-110',
      'r4-canary-110',
    ]);
    expect(runIds((await cliIn(root, ['history', '--stage', 'canary', '--release', '1.0.0'])).out)).toEqual([
      'r2-canary-100',
    ]);
    const limited = await cliIn(root, ['history', '--limit', '2']);
    expect(limited.out.split('\n')[0]).toContain('shop: 2 of 4 runs, the newest 2 at most, oldest first');
    expect(runIds(limited.out)).toEqual(['r3-staging-110', 'r4-canary-110']);
    expect(runIds((await cliIn(root, ['history', '--stage', 'staging', '--limit', '1'])).out)).toEqual([
      'r3-staging-110',
    ]);
  });

  it('--json prints the matching entries, each a valid ledger entry', async () => {
    const root = await project();
    const r = await cliIn(root, ['history', '--json', '--stage', 'canary']);
    expect(r.code, r.err).toBe(0);
    const printed = LedgerEntry.array().parse(JSON.parse(r.out));
    expect(printed).toEqual([LEDGER[1], LEDGER[4]]);
    const none = await cliIn(root, ['history', '--json', '--release', '9.9.9']);
    expect([none.code, JSON.parse(none.out)]).toEqual([0, []]);
  });

  it('an unknown stage exits 2 naming the stages; a stage only the ledger knows still has its history', async () => {
    const root = await project([...LEDGER, entry({ runId: 'r5-graduated-110', stage: 'graduated' })]);
    const r = await cliIn(root, ['history', '--stage', 'canry']);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')).toEqual([
      'rollgate: rollgate.runbook.ts: no stage "canry"; stages: staging, canary, production; in the ledger only: graduated.',
      '(ROLLGATE_UNKNOWN_STAGE; nothing was run)',
    ]);
    const removed = await cliIn(root, ['history', '--stage', 'graduated']);
    expect(removed.code, removed.err).toBe(0);
    expect(runIds(removed.out)).toEqual(['r5-graduated-110']);
  });

  it('an empty ledger, or one without this runbook, says so and exits 0; so does a filter matching nothing', async () => {
    const empty = await cliIn(await project([]), ['history']);
    expect([empty.code, empty.out]).toEqual([
      0,
      expect.stringMatching(
        /^shop: the ledger \(.*ledger\.jsonl\) has no runs of this runbook yet; a gate adds one line per run\.$/,
      ),
    ]);
    const others = await cliIn(await project([LEDGER[2]!]), ['history', '--stage', 'canary']);
    expect([others.code, others.out]).toEqual([
      0,
      expect.stringContaining('has no runs of this runbook yet'),
    ]);
    const root = await project();
    const none = await cliIn(root, ['history', '--stage', 'production', '--release', '1.1.0']);
    expect([none.code, none.out]).toEqual([
      0,
      `shop: no runs of stage production, release 1.1.0 in the ledger (${path.join(root, 'reports', 'ledger.jsonl')}); it has 4 run(s) of this runbook.`,
    ]);
  });

  it('--limit must be a whole number above 0; history takes no positional argument', async () => {
    const root = await project();
    for (const bad of ['0', '-1', 'ten', '2.5']) {
      const r = await cliIn(root, ['history', `--limit=${bad}`]);
      expect([r.code, r.err.split('\n')[0]]).toEqual([
        2,
        `rollgate: history --limit: "${bad}" is not a whole number above 0; e.g. --limit 20 for the 20 newest runs.`,
      ]);
    }
    const r = await cliIn(root, ['history', 'canary']);
    expect([r.code, r.err]).toEqual([
      2,
      expect.stringContaining('use --stage <name> and --release <version>'),
    ]);
  });

  it('masks the runbook’s secrets in the table and the JSON, also where a long reason is cut', async () => {
    vi.stubEnv(SECRET_NAME, SECRET);
    // Unmasked, the token would straddle the 100th character, where the table cuts a reason.
    const reason = `${'x'.repeat(90)} ${SECRET} and more text after it`;
    const root = await project([entry({ runId: 'r1-staging-100', verdict: 'hold', reasons: [reason] })]);
    const table = await cliIn(root, ['history']);
    const json = await cliIn(root, ['history', '--json']);
    expect(table.out.split('\n')[2]).toMatch(/ r1-staging-100 {2}x{90} \*\*\* and …$/);
    for (const out of [table.out, json.out]) expect(out).not.toContain(SECRET.slice(0, 6));
    expect(JSON.parse(json.out)[0].reasons).toEqual([`${'x'.repeat(90)} *** and more text after it`]);
    // The same cut without masking first leaves the token's start: masking whole entries first matters.
    const unmasked = historyTable([entry({ runId: 'a', reasons: [reason] })], (s) => s);
    expect(unmasked).toContain(SECRET.slice(0, 6));
  });
});

describe('history table parts', () => {
  it('selectHistory filters, keeps ledger order, and --limit keeps the newest', () => {
    const ids = (f: Parameters<typeof selectHistory>[1]) => selectHistory(LEDGER, f).map((e) => e.runId);
    expect(ids({})).toEqual(LEDGER.map((e) => e.runId));
    expect(ids({ stage: 'canary', limit: 2 })).toEqual(['other-runbook', 'r4-canary-110']);
    expect(ids({ release: '1.1.0', limit: 5 })).toEqual(['r3-staging-110', 'r4-canary-110']);
  });

  it('durations read from the ledger times; unreadable or negative ones are "?"', () => {
    const at = (ms: number) => new Date(Date.parse('2026-11-02T09:00:00.000Z') + ms).toISOString();
    const d = (ms: number) => formatRunDuration('2026-11-02T09:00:00.000Z', at(ms));
    expect([d(0), d(999), d(1000), d(59_949), d(60_000), d(3_599_000), d(3_600_000), d(90_061_000)]).toEqual([
      '0ms',
      '999ms',
      '1.0s',
      '59.9s',
      '1m00s',
      '59m59s',
      '1h00m',
      '25h01m',
    ]);
    expect([formatRunDuration('later', at(0)), d(-5)]).toEqual(['?', '?']);
  });

  it('a watch run and a series line say where they sit; an interrupted hold without reasons says why', () => {
    const watch = { series: 's1', of: 12, intervalMs: 30_000 };
    const rows = historyTable(
      [
        entry({ runId: 'w3', stage: 'canary', watch: { ...watch, index: 3 } }),
        entry({
          runId: 's1',
          stage: 'canary',
          watch: {
            ...watch,
            result: {
              outcome: 'passed',
              runs: 12,
              failures: 0,
              consecutivePasses: 12,
              failureLimit: 0,
              durationMs: 360_000,
            },
          },
        }),
        entry({ runId: 'i1', verdict: 'hold', interrupted: 'SIGTERM' }),
      ],
      (s) => s,
    ).split('\n');
    expect(rows[1]).toMatch(/ canary watch 3\/12 /);
    expect(rows[2]).toMatch(/ canary watch series /);
    expect(rows[3]).toMatch(/ HOLD .* i1 +interrupted: SIGTERM$/);
  });
});
