import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileStore } from '../../src/engine/store/file-store.ts';
import { appendJsonl, readJsonl } from '../../src/engine/store/jsonl.ts';
import { openStore } from '../../src/engine/store/open-store.ts';
import { LedgerEntry } from '../../src/model/ledger-entry.ts';
import { pointLatest } from '../../src/reporters/latest.ts';
import { publish } from '../../src/reporters/publish.ts';
import { ledgerEntry } from '../../src/reporters/verdict-file.ts';
import { makeCheck, makeVerdict, tempDirs, thrown } from './helpers.ts';

const dirs = tempDirs('rollgate-store-');
afterAll(() => dirs.cleanup());

const line = (runId: string) => JSON.stringify(ledgerEntry(makeVerdict([makeCheck()], { runId })));

describe('item 7: JSONL stores fail loudly and early', () => {
  it('appends one line per entry and never rewrites earlier lines', () => {
    const file = path.join(dirs.make(), 'nested', 'ledger.jsonl');
    appendJsonl(file, ledgerEntry(makeVerdict([makeCheck()], { runId: 'one' })));
    const afterFirst = readFileSync(file, 'utf8');
    appendJsonl(file, ledgerEntry(makeVerdict([makeCheck()], { runId: 'two' })));
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith(afterFirst)).toBe(true);
    expect(readJsonl(file, LedgerEntry).entries.map((e) => e.runId)).toEqual(['one', 'two']);
  });

  it('a torn last line is skipped with a warning naming file and line', () => {
    const file = path.join(dirs.make(), 'ledger.jsonl');
    writeFileSync(file, `${line('a')}\n${line('b')}\n${line('c').slice(0, 40)}`);
    const r = readJsonl(file, LedgerEntry);
    expect(r.entries.map((e) => e.runId)).toEqual(['a', 'b']);
    expect(r.warnings).toEqual([
      `${path.relative(process.cwd(), file)}:3: torn last line skipped (an append cut short, e.g. by a crash)`,
    ]);
  });

  it('the next append leaves the torn bytes in place, marks them, and reads clean afterwards', () => {
    const file = path.join(dirs.make(), 'ledger.jsonl');
    const torn = `${line('a')}\n${line('b').slice(0, 25)}`;
    writeFileSync(file, torn);
    appendJsonl(file, ledgerEntry(makeVerdict([makeCheck()], { runId: 'c' })));
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith(torn)).toBe(true);
    expect(text.split('\n')[2]).toMatch(/^\{"rollgateTornLine":2,"at":"/);
    const r = readJsonl(file, LedgerEntry);
    expect(r).toEqual({
      entries: [expect.objectContaining({ runId: 'a' }), expect.objectContaining({ runId: 'c' })],
      warnings: [],
    });
  });

  it('a corrupt line elsewhere is ROLLGATE_STORE_CORRUPT naming file and line: not JSON, or not an entry', () => {
    const dir = dirs.make();
    const file = path.join(dir, 'signoffs.jsonl');
    writeFileSync(file, `${line('a')}\n{"runbook": oops}\n${line('c')}\n`);
    const e = thrown(() => readJsonl(file, LedgerEntry));
    expect(e.code).toBe('ROLLGATE_STORE_CORRUPT');
    expect(e.message).toMatch(new RegExp(`^${path.relative(process.cwd(), file)}:2: not JSON \\(`));
    expect(e.message).toContain('Nothing was run: repair or remove that line');
    writeFileSync(file, `${line('a')}\n{"runId":"x"}\n`);
    expect(thrown(() => readJsonl(file, LedgerEntry)).message).toContain(
      'signoffs.jsonl:2: not a valid entry (',
    );
  });

  it('openStore reads every file before handing the store out: corruption throws, torn lines warn', async () => {
    const dir = dirs.make();
    writeFileSync(path.join(dir, 'waivers.jsonl'), '{"half":\n{}\n');
    const e = await openStore(dir, {}).then(
      () => undefined,
      (error: Error & { code?: string }) => error,
    );
    expect(e?.code).toBe('ROLLGATE_STORE_CORRUPT');
    expect(e?.message).toContain('waivers.jsonl:1: not JSON');
    const ok = dirs.make();
    writeFileSync(path.join(ok, 'ledger.jsonl'), `${line('a')}\n{"sch`);
    const warnings: string[] = [];
    const store = await openStore(ok, {}, (w) => warnings.push(w));
    expect(warnings).toEqual([expect.stringMatching(/ledger\.jsonl:2: torn last line skipped/)]);
    expect((await store.ledger('demo')).map((x) => x.runId)).toEqual(['a']);
  });
});

describe('item 6: the ledger line is the commit point; latest moves only after it', () => {
  it('a ledger append that fails leaves latest on the previous run and throws', async () => {
    const reportsDir = dirs.make();
    const store = fileStore(reportsDir);
    const first = path.join(reportsDir, 'runs', 'first');
    await publish({
      verdict: makeVerdict([makeCheck()], { runId: 'first' }),
      runDir: first,
      reportsDir,
      mask: (s) => s,
      store,
    });
    const failing = { ...store, appendLedger: async () => Promise.reject(new Error('disk full')) };
    const second = path.join(reportsDir, 'runs', 'second');
    await expect(
      publish({
        verdict: makeVerdict([makeCheck()], { runId: 'second' }),
        runDir: second,
        reportsDir,
        mask: (s) => s,
        store: failing,
      }),
    ).rejects.toThrow('disk full');
    expect(JSON.parse(readFileSync(path.join(reportsDir, 'latest', 'verdict.json'), 'utf8')).runId).toBe(
      'first',
    );
    expect((await store.ledger('demo')).map((e) => e.runId)).toEqual(['first']);
    pointLatest(reportsDir, second);
    expect(JSON.parse(readFileSync(path.join(reportsDir, 'latest', 'verdict.json'), 'utf8')).runId).toBe(
      'second',
    );
  });
});
