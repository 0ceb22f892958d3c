import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import type { Verdict } from '../../src/model/verdict.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/rollgate.mjs');

/** A fresh reports directory per test, so tests never share a ledger. */
export function tempReports(): string {
  return mkdtempSync(path.join(tmpdir(), 'rollgate-e2e-'));
}

/** Environment without anything from the developer's shell that would change a gate. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('ROLLGATE_') || k.startsWith('DEMO_')) delete env[k];
  return { ...env, ...extra };
}

export function rollgate(
  args: string[],
  env: Record<string, string>,
): ResultPromise<{ reject: false; all: true }> {
  return execa(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: cleanEnv(env),
    extendEnv: false,
    reject: false,
    all: true,
  });
}

export function readVerdict(reportsDir: string): Verdict {
  return JSON.parse(readFileSync(path.join(reportsDir, 'latest', 'verdict.json'), 'utf8')) as Verdict;
}

export function check(v: Verdict, id: string) {
  const c = v.checks.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id} in ${v.checks.map((x) => x.id).join(', ')}`);
  return c;
}
