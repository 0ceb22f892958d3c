import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMasker } from '../../src/config/mask.ts';
import { LedgerEntry } from '../../src/model/ledger-entry.ts';
import { Verdict } from '../../src/model/verdict.ts';
import { pointLatest } from '../../src/reporters/latest.ts';
import { ledgerEntry, maskValue, writeVerdict } from '../../src/reporters/verdict-file.ts';
import { makeCheck, makeVerdict, tempDirs, thrown } from './helpers.ts';

const dirs = tempDirs('rollgate-verdict-');
afterAll(() => dirs.cleanup());

describe('writeVerdict', () => {
  it("writes the run's verdict.json, schema-valid, and nothing else", () => {
    const root = dirs.make();
    const runDir = path.join(root, 'runs', 'r1');
    const file = writeVerdict(makeVerdict(), runDir);
    expect(file).toBe(path.join(runDir, 'verdict.json'));
    expect(Verdict.parse(JSON.parse(readFileSync(file, 'utf8')))).toEqual(makeVerdict());
    expect(readdirSync(runDir)).toEqual(['verdict.json']);
    expect(existsSync(path.join(root, 'latest'))).toBe(false);
  });

  it('refuses an invalid verdict with ROLLGATE_WRITE_FAILED naming the field, and writes nothing', () => {
    const root = dirs.make();
    const runDir = path.join(root, 'runs', 'bad');
    const bad = makeVerdict([makeCheck({ status: 'green' as never })]);
    const e = thrown(() => writeVerdict(bad, runDir));
    expect(e.code).toBe('ROLLGATE_WRITE_FAILED');
    expect(e.message).toContain('checks.0.status');
    expect(existsSync(path.join(runDir, 'verdict.json'))).toBe(false);
  });
});

describe('pointLatest', () => {
  it('points latest at the newer run and keeps the older run whole', () => {
    const root = dirs.make();
    for (const id of ['first', 'second']) {
      writeVerdict(makeVerdict([makeCheck()], { runId: id }), path.join(root, 'runs', id));
      pointLatest(root, path.join(root, 'runs', id));
    }
    expect(JSON.parse(readFileSync(path.join(root, 'latest', 'verdict.json'), 'utf8')).runId).toBe('second');
    expect(readlinkSync(path.join(root, 'latest'))).toBe(path.join('runs', 'second'));
    expect(existsSync(path.join(root, 'runs', 'first', 'verdict.json'))).toBe(true);
    expect(readdirSync(root).filter((n) => n.startsWith('.latest'))).toEqual([]);
  });

  it('replaces a latest/ folder copied by an older rollgate', () => {
    const root = dirs.make();
    mkdirSync(path.join(root, 'latest', 'allure-results'), { recursive: true });
    writeFileSync(path.join(root, 'latest', 'allure-results', 'old-result.json'), '{}');
    writeVerdict(makeVerdict([makeCheck()], { runId: 'new' }), path.join(root, 'runs', 'new'));
    pointLatest(root, path.join(root, 'runs', 'new'));
    expect(readdirSync(path.join(root, 'latest'))).toEqual(['verdict.json']);
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
