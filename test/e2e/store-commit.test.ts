import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { openStore } from '../../src/engine/store/open-store.ts';
import { readVerdict, rollgate, tempReports } from './helpers.ts';

const RUNBOOK = 'test/fixtures/runbooks/policy.runbook.ts';
const gate = (reports: string) =>
  rollgate(['gate', 'skip-na', '--runbook', RUNBOOK, '--release', '1.0.0'], {
    ROLLGATE_REPORTS_DIR: reports,
  });

const ledgerLine = (runId: string, verdict = 'promote') =>
  JSON.stringify({
    schemaVersion: 1,
    runId,
    runbook: 'policy',
    stage: 'skip-na',
    release: '1.0.0',
    verdict,
    startedAt: '2026-11-01T00:00:00.000Z',
    finishedAt: '2026-11-01T00:00:01.000Z',
    summary: {},
    reasons: [],
  });

describe('items 6 and 7: the ledger commits a run, latest follows, stores are read first', () => {
  test('two gates at once leave two ledger lines and a latest/ wholly from one run', async () => {
    const reports = tempReports();
    const [a, b] = await Promise.all([gate(reports), gate(reports)]);
    expect(a.exitCode, a.all).toBe(0);
    expect(b.exitCode, b.all).toBe(0);
    const ledger = readFileSync(path.join(reports, 'ledger.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(ledger).toHaveLength(2);
    const runIds = ledger.map((e) => e.runId);
    expect(new Set(runIds).size).toBe(2);
    const latest = readVerdict(reports);
    expect(readlinkSync(path.join(reports, 'latest'))).toBe(path.join('runs', latest.runId));
    expect(runIds).toContain(latest.runId);
    // latest/ holds one Allure result per check of its verdict, and none of the other run's.
    const results = (dir: string) =>
      readdirSync(path.join(dir, 'allure-results')).filter((f) => f.endsWith('-result.json'));
    const other = runIds.find((id) => id !== latest.runId)!;
    expect(results(path.join(reports, 'latest'))).toHaveLength(latest.checks.length);
    const otherResults = results(path.join(reports, 'runs', other));
    expect(otherResults.length).toBeGreaterThan(0);
    for (const f of otherResults)
      expect(existsSync(path.join(reports, 'latest', 'allure-results', f))).toBe(false);
    expect(readdirSync(reports).filter((n) => n.startsWith('.latest'))).toEqual([]);
  });

  test('a corrupt middle line of ledger.jsonl exits 2 naming file and line, before anything runs', async () => {
    const reports = tempReports();
    writeFileSync(
      path.join(reports, 'ledger.jsonl'),
      `${ledgerLine('a')}\n{"runId": "b", oops\n${ledgerLine('c')}\n`,
    );
    const r = await gate(reports);
    expect(r.exitCode, r.all).toBe(2);
    expect(r.stderr).toMatch(
      /ledger\.jsonl:2: not JSON \(.*\)\. Nothing was run: repair or remove that line/,
    );
    expect(r.stdout).not.toContain('running');
    expect(existsSync(path.join(reports, 'runs'))).toBe(false);
    expect(existsSync(path.join(reports, 'latest'))).toBe(false);
  });

  test('a torn last line warns with file and line; the gate runs and its line follows the marked torn one', async () => {
    const reports = tempReports();
    writeFileSync(path.join(reports, 'waivers.jsonl'), '');
    writeFileSync(
      path.join(reports, 'ledger.jsonl'),
      `${ledgerLine('a', 'hold')}\n${ledgerLine('b').slice(0, 30)}`,
    );
    const r = await gate(reports);
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stderr).toMatch(
      /rollgate: warning: .*ledger\.jsonl:2: torn last line skipped \(an append cut short, e\.g\. by a crash\)/,
    );
    const lines = readFileSync(path.join(reports, 'ledger.jsonl'), 'utf8').split('\n');
    expect(lines[2]).toContain('"rollgateTornLine":2');
    expect(JSON.parse(lines[3]!).runId).toBe(readVerdict(reports).runId);
    // The ledger so marked reads clean afterwards (a second gate here said no more 'torn'):
    // test/unit/store-jsonl.test.ts, 'the next append leaves the torn bytes in place, marks them, and
    // reads clean afterwards', and here the gate's store, read as the next gate reads it first:
    const warnings: string[] = [];
    const store = await openStore(reports, {}, (w) => warnings.push(w));
    expect((await store.ledger('policy')).map((e) => e.runId)).toEqual(['a', readVerdict(reports).runId]);
    expect(warnings).toEqual([]);
    await store.close();
  });
});
