import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CheckFailure, ObservationError } from '../../src/checks/authoring/errors.ts';
import type { TargetDeclaration } from '../../src/checks/authoring/target-context.ts';
import { type BuiltinRun, builtinChecks } from '../../src/checks/builtin/index.ts';
import { describeRule, failedRules } from '../../src/checks/probes/assessment.ts';
import { loadRunbook } from '../../src/config/load-runbook.ts';
import type { Runbook } from '../../src/model/runbook.ts';
import type { Verdict } from '../../src/model/verdict.ts';
import { rollgate } from '../e2e/helpers.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export async function loadApp(app: 'orders-api' | 'flow-editor'): Promise<Runbook> {
  return (await loadRunbook(`test/fixtures/apps/${app}/rollgate.runbook.ts`, ROOT)).runbook;
}

/** A target as the checks see it: its declaration without how to start it. */
export function declarationOf(rb: Runbook, target: string): TargetDeclaration {
  const { baseURL: _b, embedded: _e, ...declaration } = rb.targets[target]!;
  return declaration;
}

/** Temporary folders removed by `cleanup()`. */
export function tempDirs() {
  const made: string[] = [];
  return {
    make(prefix = 'rollgate-apps-') {
      const d = mkdtempSync(path.join(tmpdir(), prefix));
      made.push(d);
      return d;
    },
    cleanup() {
      for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  };
}

/** Serves an in-process fixture server on a free loopback port. */
export function serve(server: Server): Promise<{ url: string; close: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const a = server.address() as { port: number };
      resolve({
        url: `http://127.0.0.1:${a.port}`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

export interface Outcome {
  status: 'passed' | 'failed' | 'errored';
  /** The failure's words: the broken rules (or the check's own message), or the error. */
  reason: string;
}

/**
 * Runs a stage's built-ins against a target as the engine does, by check id: a broken rule or a
 * CheckFailure is failed, an ObservationError (could not observe) errored.
 */
export async function runBuiltins(
  names: Runbook['stages'][string]['checks'],
  declaration: TargetDeclaration,
  run: BuiltinRun,
): Promise<Record<string, Outcome>> {
  const out: Record<string, Outcome> = {};
  for (const c of builtinChecks(names, declaration)) {
    try {
      const a = await c.run(declaration, run);
      const broken = failedRules(a);
      out[c.id] = broken.length
        ? { status: 'failed', reason: a.message ?? broken.map(describeRule).join('; ') }
        : { status: 'passed', reason: '' };
    } catch (error) {
      if (error instanceof ObservationError) out[c.id] = { status: 'errored', reason: error.message };
      else if (error instanceof CheckFailure) out[c.id] = { status: 'failed', reason: error.message };
      else throw error;
    }
  }
  return out;
}

export const statuses = (r: Record<string, Outcome>) =>
  Object.fromEntries(Object.entries(r).map(([id, o]) => [id, o.status]));

/** `rollgate <args>` on a fixture app's runbook, with a fresh reports folder and the given environment. */
export async function rollgateOn(
  app: 'orders-api' | 'flow-editor',
  args: string[],
  env: Record<string, string>,
): Promise<{ exitCode: number | undefined; all: string }> {
  const r = await rollgate([...args, '--runbook', `test/fixtures/apps/${app}/rollgate.runbook.ts`], env);
  return { exitCode: r.exitCode, all: r.all ?? '' };
}

/** One line per check: `id status: message`, for assertion messages. */
export const describeVerdict = (v: Verdict) =>
  v.checks.map((c) => `${c.id} ${c.status}${c.message ? `: ${c.message}` : ''}`).join('\n');
