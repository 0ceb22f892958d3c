import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { UNREDACTED_COPY_ENV } from '../../src/checks/redact/redact-files.ts';
import { leaveNothingUnredacted } from '../../src/cli/finish.ts';
import { validateRunbook } from '../../src/config/load-runbook.ts';
import { createMasker } from '../../src/config/mask.ts';
import { resolveGate } from '../../src/config/options.ts';
import { runGate } from '../../src/engine/run-gate.ts';
import { fileStore } from '../../src/engine/store/file-store.ts';
import { tempDirs, thrown, writeTree } from '../hygiene/helpers.ts';
import { locateSecret } from '../hygiene/secret-search.ts';

const SECRET = 'p@ss w/"rd+&1';
const dirs = tempDirs('rollgate-run-gate-redact-');
afterAll(() => dirs.cleanup());

/**
 * Issue 9, item 1: the runners leave files in the run folder (Playwright's trace.zip goes
 * straight there), and publish() may never run: here a store read after the runners throws.
 * runGate cleans its run folder in its `finally`, so nothing stays unredacted under reports/.
 * Check level: no browser, no child process; the files a failing golden path would leave are
 * planted as the runners start.
 */
describe('runGate leaves its run folder redacted even when it throws after the runners', () => {
  it('a secret planted in a trace.zip member and a text file is gone though publish() never ran', async () => {
    const reports = dirs.make();
    const runbook = validateRunbook('secret.runbook.ts', {
      name: 'secret',
      targets: { app: { baseURL: 'http://127.0.0.1:9/', secrets: ['SMOKE_PASSWORD'] } },
      stages: { typed: { target: 'app', suites: ['runbooks/none.suite.ts'] } },
    });
    const resolved = resolveGate(runbook, 'typed', { release: '1.0.0' }, { ROLLGATE_REPORTS_DIR: reports });
    // No runner at all: the planted files stand for what Playwright writes.
    const gate = { ...resolved, reportsDir: reports, stage: { ...resolved.stage, suites: [] } };
    const store = fileStore(reports);
    const plant = () => {
      const [runId] = readdirSync(path.join(reports, 'runs'));
      writeTree(path.join(reports, 'runs', runId!, 'playwright', 'typed'), {
        'trace.zip': Buffer.from(
          zipSync({
            'test.trace': Buffer.from(`${JSON.stringify({ title: `Fill ${JSON.stringify(SECRET)}` })}\n`),
            'resources/a.dat': Buffer.from(new URLSearchParams({ password: SECRET }).toString()),
          }),
        ),
        'error-context.md': `- textbox "Username": ${SECRET}`,
      });
    };
    const error = await thrown(() =>
      runGate({
        root: process.cwd(),
        loaded: { file: 'secret.runbook.ts', runbook },
        gate,
        env: { PATH: process.env.PATH, SMOKE_PASSWORD: SECRET },
        store: {
          ...store,
          waivers: () => Promise.reject(new Error('waivers.jsonl could not be read')),
        },
        onEvent: (e) => {
          if (e.type === 'running') plant();
        },
      }),
    );
    expect(error.message).toBe('waivers.jsonl could not be read');
    const runDir = path.join(reports, 'runs', readdirSync(path.join(reports, 'runs'))[0]!);
    expect(readdirSync(path.join(runDir, 'playwright', 'typed')).sort()).toEqual([
      'error-context.md',
      'trace.zip',
    ]);
    expect(locateSecret(reports, SECRET)).toEqual([]);
  });
});

describe('finish: a verdict that cannot be recorded leaves nothing unredacted (issue 9, item 1)', () => {
  const mask = createMasker([SECRET]);

  it('cleans the run folder', () => {
    const runDir = writeTree(path.join(dirs.make(), 'runs', 'r1'), { 'error-context.md': SECRET });
    expect(leaveNothingUnredacted(runDir, mask)).toBe('');
    expect(readFileSync(path.join(runDir, 'error-context.md'), 'utf8')).toBe('***');
  });

  it('removes the run folder, saying so, when it cannot be cleaned', () => {
    const runDir = writeTree(path.join(dirs.make(), 'runs', 'r1'), { 'error-context.md': SECRET });
    const before = process.env[UNREDACTED_COPY_ENV];
    process.env[UNREDACTED_COPY_ENV] = path.join(runDir, 'copy'); // refused: redaction throws
    try {
      expect(leaveNothingUnredacted(runDir, mask)).toMatch(
        /^rollgate: the run folder could not be cleaned of secrets \(ROLLGATE_TEST_UNREDACTED_COPY=.* refused: .*\), so it was removed: /,
      );
    } finally {
      if (before === undefined) delete process.env[UNREDACTED_COPY_ENV];
      else process.env[UNREDACTED_COPY_ENV] = before;
    }
    expect(existsSync(runDir)).toBe(false);
  });
});
