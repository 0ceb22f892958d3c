import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { openStore } from '../../src/engine/store/open-store.ts';
import { tempReports as makeTemp, ROOT, rollgate } from './helpers.ts';

const temps: string[] = [];
const tempReports = () => {
  temps.push(makeTemp());
  return temps.at(-1)!;
};
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

const RUNBOOK = 'test/fixtures/runbooks/policy.runbook.ts';
const gate = (env: Record<string, string>) =>
  rollgate(['gate', 'skip-na', '--runbook', RUNBOOK, '--release', '1.0.0'], env);

/** A port nothing listens on: bound by us, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The run stopped at the store: exit 2 of its own accord, nothing announced, no target, no runner. */
function expectStoppedBeforeAnything(r: Awaited<ReturnType<typeof gate>>): void {
  expect(r.exitCode, r.all).toBe(2);
  // Ended on its own: not killed by execa's timeout or a signal, not cut short by process.exit.
  expect(r.isTerminated).toBe(false);
  expect(r.signal).toBeUndefined();
  expect(r.stderr).toContain('(ROLLGATE_STORE_UNAVAILABLE; nothing was run)');
  // The announce line, "target …" and "running vitest…" all come after the store opens.
  expect(r.stdout).toBe('');
}

describe('issue 10: a store that cannot be opened stops the gate before any child process', () => {
  test('ROLLGATE_LEDGER_URL at a closed port: exit 2 naming the masked URL, no run folder', async () => {
    const reports = tempReports();
    const port = await closedPort();
    const r = await gate({
      ROLLGATE_REPORTS_DIR: reports,
      ROLLGATE_LEDGER_URL: `postgres://rollgate:ledger-pass-9x@127.0.0.1:${port}/ledger`,
    });
    expectStoppedBeforeAnything(r);
    expect(r.stderr).toContain(
      `rollgate: ROLLGATE_LEDGER_URL: cannot use postgres://rollgate:***@127.0.0.1:${port}/ledger: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
    expect(r.all).not.toContain('ledger-pass-9x');
    expect(readdirSync(reports)).toEqual([]);
  });

  test('ROLLGATE_REPORTS_DIR naming a regular file: exit 2 naming the path and the fix, the file untouched', async () => {
    const dir = tempReports();
    const file = path.join(dir, 'reports');
    writeFileSync(file, 'not a directory\n');
    const r = await gate({ ROLLGATE_REPORTS_DIR: file });
    expectStoppedBeforeAnything(r);
    expect(r.stderr).toContain(
      `rollgate: reports directory ${file}: it is not a directory, so no run or ledger can be written there; set ROLLGATE_REPORTS_DIR to a directory rollgate may write, or remove what is in the way.`,
    );
    expect(readdirSync(dir)).toEqual(['reports']);
    expect(readFileSync(file, 'utf8')).toBe('not a directory\n');
  });

  test('at check level: below a file, and a ledger.jsonl that is a directory, are unavailable stores', async () => {
    const dir = tempReports();
    writeFileSync(path.join(dir, 'file'), '');
    const below = path.join(dir, 'file', 'reports');
    await expect(openStore(below, {})).rejects.toMatchObject({
      code: 'ROLLGATE_STORE_UNAVAILABLE',
      message: `reports directory ${below}: ${path.join(dir, 'file')} is not a directory, so no run or ledger can be written there; set ROLLGATE_REPORTS_DIR to a directory rollgate may write, or remove what is in the way.`,
    });
    mkdirSync(path.join(dir, 'r', 'ledger.jsonl'), { recursive: true });
    await expect(openStore(path.join(dir, 'r'), {})).rejects.toMatchObject({
      code: 'ROLLGATE_STORE_UNAVAILABLE',
      message: expect.stringMatching(
        /^.*r\/ledger\.jsonl: cannot read the store \(EISDIR: .*\); fix or move what is in the way\.$/,
      ),
    });
  });

  test('nothing on the gate path calls process.exit: the process ends when its work does', () => {
    const files = [
      path.join(ROOT, 'bin/rollgate.mjs'),
      ...readdirSync(path.join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.ts'))
        .map((f) => path.join(ROOT, 'src', f)),
    ];
    expect(files.length).toBeGreaterThan(50);
    const calls = files.flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .map((line, i) => ({ line: line.trim(), where: `${path.relative(ROOT, f)}:${i + 1}` }))
        // Comments may mention it (html-report.ts explains why it avoids Allure's CLI).
        .filter(({ line }) => !line.startsWith('//') && !line.startsWith('*'))
        .filter(({ line }) => /\bprocess\s*\.\s*exit\b(?!Code)/.test(line))
        .map(({ where, line }) => `${where}: ${line}`),
    );
    expect(calls).toEqual([]);
  });
});
