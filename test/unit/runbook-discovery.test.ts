import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { findRunbook } from '../../src/config/discover-runbook.ts';
import type { RollgateError } from '../../src/config/errors.ts';
import { findAndLoadRunbook, validateRunbook } from '../../src/config/load-runbook.ts';
import { governanceChecks, signCommand } from '../../src/engine/steps/governance.ts';
import { fileStore } from '../../src/engine/store/file-store.ts';
import { cliIn } from './cli-in.ts';
import { tempDirs, thrown } from './helpers.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dirs = tempDirs('rollgate-discovery-');
afterAll(() => dirs.cleanup());
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/** A valid runbook module named `name`, whose one suite exists in the project root. */
const runbookText = (name: string) =>
  `export default { name: '${name}', targets: { t: { baseURL: 'http://127.0.0.1:9' } }, stages: { canary: { target: 't', suites: ['a.suite.ts'] } } };\n`;

/** A project root holding the given runbook files (paths relative to it). */
function project(...files: string[]): string {
  const root = dirs.make();
  writeFileSync(path.join(root, 'a.suite.ts'), '');
  for (const f of files) {
    mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    writeFileSync(path.join(root, f), runbookText(path.basename(f, '.runbook.ts')));
  }
  return root;
}

const notFound = (root: string) =>
  `${root}: no runbook found. Looked at --runbook (not given), ROLLGATE_RUNBOOK (not set), rollgate.runbook.ts (no such file) and runbooks/*.runbook.ts (no file) in the project root, the current directory. Pass --runbook <file>, set ROLLGATE_RUNBOOK=<file>, or create rollgate.runbook.ts in the project root.`;

describe('findRunbook: --runbook, ROLLGATE_RUNBOOK, rollgate.runbook.ts, the one runbooks/*.runbook.ts', () => {
  it('--runbook wins over ROLLGATE_RUNBOOK and over every conventional file', () => {
    const root = project('rollgate.runbook.ts', 'runbooks/a.runbook.ts');
    expect(findRunbook({ flag: 'x.runbook.ts', env: 'y.runbook.ts', root })).toEqual({
      file: 'x.runbook.ts',
      foundBy: 'cli',
    });
  });

  it('ROLLGATE_RUNBOOK wins over the conventional files; an empty flag counts as not given', () => {
    const root = project('rollgate.runbook.ts');
    expect(findRunbook({ flag: '', env: 'y.runbook.ts', root })).toEqual({
      file: 'y.runbook.ts',
      foundBy: 'env',
    });
  });

  it('rollgate.runbook.ts in the root comes first, even with several runbooks in runbooks/', () => {
    const root = project('rollgate.runbook.ts', 'runbooks/a.runbook.ts', 'runbooks/b.runbook.ts');
    expect(findRunbook({ env: '', root })).toEqual({ file: 'rollgate.runbook.ts', foundBy: 'convention' });
  });

  it('without it, the only runbooks/*.runbook.ts; suites and folders named *.runbook.ts do not count', () => {
    const root = project('runbooks/shop.runbook.ts');
    writeFileSync(path.join(root, 'runbooks/probes.suite.ts'), '');
    mkdirSync(path.join(root, 'runbooks/old.runbook.ts'));
    mkdirSync(path.join(root, 'rollgate.runbook.ts'));
    expect(findRunbook({ root })).toEqual({ file: 'runbooks/shop.runbook.ts', foundBy: 'convention' });
  });

  it('none anywhere: ROLLGATE_RUNBOOK_NOT_FOUND naming every place looked and each fix', () => {
    const root = project();
    mkdirSync(path.join(root, 'runbooks'));
    writeFileSync(path.join(root, 'runbooks/probes.suite.ts'), '');
    const e = thrown(() => findRunbook({ root })) as RollgateError;
    expect(e.code).toBe('ROLLGATE_RUNBOOK_NOT_FOUND');
    expect(e.message).toBe(notFound(root));
  });

  it('several in runbooks/ and no rollgate.runbook.ts: ROLLGATE_RUNBOOK_AMBIGUOUS listing them, sorted', () => {
    const root = project('runbooks/shop.runbook.ts', 'runbooks/api.runbook.ts');
    const e = thrown(() => findRunbook({ root })) as RollgateError;
    expect(e.code).toBe('ROLLGATE_RUNBOOK_AMBIGUOUS');
    expect(e.message).toBe(
      `${root}: 2 runbooks in runbooks/ and no rollgate.runbook.ts: runbooks/api.runbook.ts, runbooks/shop.runbook.ts. Pick one with --runbook <file> (or ROLLGATE_RUNBOOK=<file>), e.g. --runbook runbooks/api.runbook.ts.`,
    );
  });

  it("this repository's only runbooks/*.runbook.ts is the demo's, found by convention", () => {
    expect(findRunbook({ root: ROOT })).toEqual({ file: 'runbooks/demo.runbook.ts', foundBy: 'convention' });
  });
});

describe('findAndLoadRunbook and the CLI', () => {
  it('loads the conventional runbook and records that it was found by convention', async () => {
    const root = project('rollgate.runbook.ts');
    const loaded = await findAndLoadRunbook({ root });
    expect(loaded).toMatchObject({ file: 'rollgate.runbook.ts', foundBy: 'convention' });
    expect(loaded.runbook.name).toBe('rollgate');
  });

  it('a named file that does not exist says who named it and how to fall back to the convention', async () => {
    const root = project('rollgate.runbook.ts');
    const e = (await findAndLoadRunbook({ env: 'gone.runbook.ts', root }).catch((x) => x)) as RollgateError;
    expect(e.code).toBe('ROLLGATE_RUNBOOK_NOT_FOUND');
    expect(e.message).toBe(
      `gone.runbook.ts: runbook not found (given in ROLLGATE_RUNBOOK; paths resolve from the current directory, ${root}). Fix the path, or name neither --runbook nor ROLLGATE_RUNBOOK to use rollgate.runbook.ts or the one runbooks/*.runbook.ts.`,
    );
  });

  it('validate in a project with rollgate.runbook.ts finds it with no option (exit 0)', async () => {
    const r = await cliIn(project('rollgate.runbook.ts'), ['validate']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe('rollgate.runbook.ts: valid runbook "rollgate" with stages canary');
  });

  it('gate with no runbook anywhere exits 2 before anything runs, with the places looked and the fix', async () => {
    const root = project();
    const r = await cliIn(root, ['gate', 'canary']);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')).toEqual([
      `rollgate: ${notFound(root)}`,
      '(ROLLGATE_RUNBOOK_NOT_FOUND; nothing was run)',
    ]);
  });

  it('validate with several runbooks exits 2 listing them; --runbook then picks one', async () => {
    const root = project('runbooks/b.runbook.ts', 'runbooks/a.runbook.ts');
    const r = await cliIn(root, ['validate']);
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      '2 runbooks in runbooks/ and no rollgate.runbook.ts: runbooks/a.runbook.ts, runbooks/b.runbook.ts',
    );
    expect(r.err).toContain('(ROLLGATE_RUNBOOK_AMBIGUOUS; nothing was run)');
    const picked = await cliIn(root, ['validate', '--runbook', 'runbooks/b.runbook.ts']);
    expect(picked.code, picked.err).toBe(0);
    expect(picked.out).toBe('runbooks/b.runbook.ts: valid runbook "b" with stages canary');
  });
});

describe('the printed sign command names --runbook exactly when the user had to', () => {
  const args = ['production', 'Security approval', 'runbooks/shop.runbook.ts', '1.0.0'] as const;
  const base = 'npx rollgate sign production "Security approval" --by <name> --release 1.0.0';

  it('found by convention: no --runbook (sign finds it again)', () => {
    expect(signCommand(...args, 'convention')).toBe(base);
  });

  it('named by --runbook or ROLLGATE_RUNBOOK, or not known: --runbook <file>, quoted when it must be', () => {
    expect(signCommand(...args, 'cli')).toBe(`${base} --runbook runbooks/shop.runbook.ts`);
    expect(signCommand(...args, 'env')).toBe(`${base} --runbook runbooks/shop.runbook.ts`);
    expect(signCommand(...args)).toBe(`${base} --runbook runbooks/shop.runbook.ts`);
    expect(signCommand('production', 'Security approval', 'my runbooks/$x.runbook.ts', '1.0.0', 'cli')).toBe(
      `${base} --runbook "my runbooks/\\$x.runbook.ts"`,
    );
  });

  it('a pending sign-off in the gate prints the command for how its runbook was found', async () => {
    const runbook = validateRunbook('rollgate.runbook.ts', {
      name: 'shop',
      targets: { t: { baseURL: 'http://127.0.0.1:9' } },
      stages: { production: { target: 't', suites: ['a.suite.ts'] } },
      signoffs: [{ title: 'Security approval', stage: 'production' }],
    });
    const message = async (runbookFoundBy: 'convention' | 'cli') => {
      const r = await governanceChecks({
        runbook,
        runbookFile: 'rollgate.runbook.ts',
        runbookFoundBy,
        stageName: 'production',
        stage: runbook.stages.production!,
        release: '1.0.0',
        now: new Date('2026-11-22T12:00:00Z'),
        store: fileStore(dirs.make()),
      });
      return r.checks.find((c) => c.id === 'signoff/security-approval')?.message;
    };
    expect(await message('convention')).toBe(`not signed for release 1.0.0; sign with: ${base}`);
    expect(await message('cli')).toBe(
      `not signed for release 1.0.0; sign with: ${base} --runbook rollgate.runbook.ts`,
    );
  });
});
