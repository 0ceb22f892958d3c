import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDirs } from './helpers.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsx = join(root, 'node_modules/.bin/tsx');
const mainFile = join(root, 'demo/main.ts');
const LISTENING = /^rollgate-demo listening on (http:\/\/127\.0\.0\.1:(\d+))$/;

const dirs = tempDirs();
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  dirs.cleanup();
});

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs `tsx demo/main.ts` in `cwd` with only the given DEMO_* variables (none inherited). */
function runMain(cwd: string, env: Record<string, string>): Run {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(DEMO_|PORT$|SESSION_SECRET$)/.test(name)),
  );
  const child = spawn(tsx, [mainFile], { cwd, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  return { child, stdout: () => out, stderr: () => err, exit };
}

async function waitForLine(run: Run, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const line = run.stdout().split('\n')[0];
    if (run.stdout().includes('\n')) return line!;
    if (run.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no listening line; stdout=${run.stdout()} stderr=${run.stderr()}`);
}

describe('npm run demo (tsx demo/main.ts)', () => {
  it('prints exactly one listening line, serves, and exits 0 on SIGTERM', async () => {
    const cwd = dirs.make();
    const run = runMain(cwd, { PORT: '0' });
    const line = await waitForLine(run);
    const [, url, port] = LISTENING.exec(line) ?? [];
    expect(url, line).toBeTruthy();
    expect(Number(port)).toBeGreaterThan(0);

    const health = (await (await fetch(`${url}/api/health`)).json()) as {
      version: string;
      environment: string;
    };
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(health).toMatchObject({ version: pkg.version, environment: 'demo' });
    // Default database: .demo-data/demo.sqlite under the working directory.
    expect(existsSync(join(cwd, '.demo-data', 'demo.sqlite'))).toBe(true);

    run.child.kill('SIGTERM');
    expect(await run.exit).toEqual({ code: 0, signal: null });
    expect(run.stdout()).toBe(`${line}\n`);
  }, 30_000);

  it('passes DEMO_VERSION, DEMO_ENVIRONMENT and DEMO_FAULTS through and stops on SIGINT', async () => {
    const cwd = dirs.make();
    const run = runMain(cwd, {
      PORT: '0',
      DEMO_DATABASE_URL: `sqlite:${join(cwd, 'x.db')}`,
      DEMO_VERSION: '9.9.9',
      DEMO_ENVIRONMENT: 'canary',
      DEMO_FAULTS: 'wrong-version',
    });
    const url = LISTENING.exec(await waitForLine(run))![1]!;
    expect(await (await fetch(`${url}/api/health`)).json()).toMatchObject({
      version: '9.9.9-wrong',
      environment: 'canary',
    });
    run.child.kill('SIGINT');
    expect((await run.exit).code).toBe(0);
  }, 30_000);

  it.each([
    [{ DEMO_FAULTS: 'slow,sever-errors' }, /unknown demo fault "sever-errors"/],
    [{ DEMO_DATABASE_URL: ':memory:' }, /in-memory SQLite \(:memory:\) is refused/],
    [{ PORT: 'eighty' }, /PORT="eighty" is not a port number/],
    [
      { DEMO_DATABASE_URL: 'postgres://app:hunter2@127.0.0.1:1/app' },
      /postgres:\/\/app:\*\*\*@127\.0\.0\.1:1\/app: cannot open PostgreSQL database/,
    ],
  ])(
    'exits 2 with a message on stderr and nothing on stdout for %o',
    async (env, message) => {
      const run = runMain(dirs.make(), { PORT: '0', ...env });
      expect((await run.exit).code).toBe(2);
      expect(run.stderr()).toMatch(message);
      expect(run.stderr()).not.toContain('hunter2');
      expect(run.stdout()).toBe('');
    },
    30_000,
  );
});
