import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMasker } from '../../src/config/mask.ts';
import { LedgerEntry } from '../../src/model/ledger-entry.ts';
import { Verdict } from '../../src/model/verdict.ts';
import { appendLedger, ledgerEntry, maskValue, writeVerdict } from '../../src/reporters/verdict-file.ts';
import { makeCheck, makeVerdict, tempDirs, thrown } from './helpers.ts';

const dirs = tempDirs('rollgate-verdict-');
afterAll(() => dirs.cleanup());

describe('writeVerdict', () => {
  it('writes the run copy and the latest copy, identical and schema-valid', () => {
    const root = dirs.make();
    const runDir = path.join(root, 'runs', 'r1');
    const latestDir = path.join(root, 'latest');
    const file = writeVerdict(makeVerdict(), runDir, latestDir);
    expect(file).toBe(path.join(runDir, 'verdict.json'));
    const run = readFileSync(file, 'utf8');
    expect(readFileSync(path.join(latestDir, 'verdict.json'), 'utf8')).toBe(run);
    expect(Verdict.parse(JSON.parse(run))).toEqual(makeVerdict());
  });

  it('overwrites latest with the newer run', () => {
    const root = dirs.make();
    const latestDir = path.join(root, 'latest');
    writeVerdict(makeVerdict([makeCheck()], { runId: 'first' }), path.join(root, 'runs', 'first'), latestDir);
    writeVerdict(
      makeVerdict([makeCheck()], { runId: 'second' }),
      path.join(root, 'runs', 'second'),
      latestDir,
    );
    expect(JSON.parse(readFileSync(path.join(latestDir, 'verdict.json'), 'utf8')).runId).toBe('second');
    expect(existsSync(path.join(root, 'runs', 'first', 'verdict.json'))).toBe(true);
  });

  it('refuses an invalid verdict with ROLLGATE_WRITE_FAILED naming the field, and writes nothing', () => {
    const root = dirs.make();
    const runDir = path.join(root, 'runs', 'bad');
    const latestDir = path.join(root, 'latest');
    const bad = makeVerdict([makeCheck({ status: 'green' as never })]);
    const e = thrown(() => writeVerdict(bad, runDir, latestDir));
    expect(e.code).toBe('ROLLGATE_WRITE_FAILED');
    expect(e.message).toContain('checks.0.status');
    expect(existsSync(path.join(runDir, 'verdict.json'))).toBe(false);
    expect(existsSync(path.join(latestDir, 'verdict.json'))).toBe(false);
  });
});

describe('ledger', () => {
  it('ledgerEntry keeps what the ledger answers: release, verdict, when, why', () => {
    const v = makeVerdict([makeCheck({ status: 'failed' })], {
      verdict: 'hold',
      reasons: ['probes/version failed'],
    });
    const entry = ledgerEntry(v);
    expect(LedgerEntry.parse(entry)).toMatchObject({
      runId: v.runId,
      stage: 'canary',
      release: '1.2.3',
      verdict: 'hold',
      reasons: ['probes/version failed'],
      summary: expect.objectContaining({ failed: 1, total: 1 }),
    });
  });

  it('appends one line per run and never rewrites earlier lines', () => {
    const ledger = path.join(dirs.make(), 'nested', 'ledger.jsonl');
    appendLedger(ledger, ledgerEntry(makeVerdict([makeCheck()], { runId: 'one' })));
    const afterFirst = readFileSync(ledger, 'utf8');
    appendLedger(ledger, ledgerEntry(makeVerdict([makeCheck()], { runId: 'two', verdict: 'hold' })));
    const text = readFileSync(ledger, 'utf8');
    expect(text.startsWith(afterFirst)).toBe(true);
    const lines = text.split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).map((l) => JSON.parse(l).runId)).toEqual(['one', 'two']);
    expect(lines[0]).toBe(afterFirst.trimEnd());
  });

  it('appends after lines written by someone else, leaving them byte for byte', () => {
    const ledger = path.join(dirs.make(), 'ledger.jsonl');
    const existing = '{"schemaVersion":1,"runId":"old","hand":"written"}\n';
    writeFileSync(ledger, existing);
    appendLedger(ledger, ledgerEntry(makeVerdict()));
    const text = readFileSync(ledger, 'utf8');
    expect(text.startsWith(existing)).toBe(true);
    expect(text.split('\n').filter(Boolean)).toHaveLength(2);
  });
});

describe('maskValue', () => {
  it('masks secrets in every string field, nested, and keeps the shape', () => {
    const mask = createMasker(['s3cret']);
    const v = makeVerdict(
      [
        makeCheck({
          status: 'failed',
          message: 'token s3cret rejected',
          evidence: [{ name: 'response', contentType: 'text/plain', body: 'Authorization: s3cret' }],
        }),
      ],
      { target: { baseURL: 'http://u:pw@127.0.0.1:1', version: '1.2.3', embedded: false } },
    );
    const masked = maskValue(v, mask);
    expect(JSON.stringify(masked)).not.toContain('s3cret');
    expect(masked.checks[0]!.message).toBe('token *** rejected');
    expect(masked.checks[0]!.evidence[0]!.body).toBe('Authorization: ***');
    expect(masked.target.baseURL).toBe('http://u:***@127.0.0.1:1');
    expect(masked.summary).toEqual(v.summary);
    expect(Verdict.safeParse(masked).success).toBe(true);
  });

  // Regression (src/reporters/verdict-file.ts maskValue, fixed): it masks the JSON *text*, where a secret containing
  // a quote or a backslash appears escaped (`pa\"ss`, `back\\slash`), so the masker never finds it and
  // the secret reaches verdict.json unmasked. Generated passwords often contain such characters.
  it('masks secrets that contain characters JSON escapes (quote, backslash)', () => {
    const mask = createMasker(['pa"ss', 'back\\slash']);
    const masked = maskValue({ message: 'login with pa"ss failed; key back\\slash' }, mask);
    expect(masked.message).toBe('login with *** failed; key ***');
  });
});
