import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { TargetContext } from '../../src/checks/authoring/target-context.ts';
import { builtinChecks } from '../../src/checks/builtin/index.ts';
import type { ResolvedGate } from '../../src/config/options.ts';
import { runBuiltin } from '../../src/engine/steps/builtin-step.ts';
import type { StepContext } from '../../src/engine/steps/step.ts';
import type { CheckResult } from '../../src/model/check-result.ts';
import { Runbook, type RunbookInput } from '../../src/model/runbook.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');

type TargetInput = RunbookInput['targets'][string];
type StageInput = Partial<RunbookInput['stages'][string]>;

/**
 * A target and stage declared as a runbook declares them, parsed by the real schema (defaults
 * included, and refused where a built-in lacks its declaration).
 */
export function declare(target: Omit<TargetInput, 'baseURL'>, stage: StageInput = {}) {
  const rb = Runbook.parse({
    name: 'builtin-test',
    targets: { t: { baseURL: 'http://127.0.0.1:9', ...target } },
    stages: { s: { target: 't', checks: ['health'], ...stage } },
  });
  return { target: rb.targets.t!, stage: rb.stages.s! };
}

export interface RunOptions {
  baseURL: string;
  release?: string;
  env?: NodeJS.ProcessEnv;
  sessionFile?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * The target is an app rollgate started (BuiltinRun.embedded). Default true: the stand-ins these
   * tests start on loopback play the embedded app; false plays a deployment given by URL.
   */
  embedded?: boolean;
}

/**
 * Every built-in the stage names, run at check level through the engine's own runner (status,
 * retries, time limit) against `baseURL`; the results by id.
 */
export async function runChecks(
  declared: ReturnType<typeof declare>,
  o: RunOptions,
): Promise<Map<string, CheckResult>> {
  const { baseURL: _b, embedded: _e, ...declaration } = declared.target;
  const context: TargetContext = {
    baseURL: o.baseURL,
    release: o.release ?? '1.2.3',
    stage: 's',
    runId: 'test',
    evidenceDir: '/nonexistent',
    budgets: [],
    target: declaration,
    ...(o.sessionFile ? { sessionFile: o.sessionFile } : {}),
  };
  const ctx: Pick<StepContext, 'gate' | 'env' | 'root' | 'stopping'> = {
    gate: { stage: declared.stage } as ResolvedGate,
    env: o.env ?? {},
    root: ROOT,
    stopping: {
      signal: o.signal ?? new AbortController().signal,
      reason: undefined,
      stop() {},
      dispose() {},
    },
  };
  const out = new Map<string, CheckResult>();
  for (const c of builtinChecks(declared.stage.checks, declaration))
    out.set(c.id, await runBuiltin(c, context, ctx, o.timeoutMs, o.embedded ?? true));
  return out;
}

/** The one result of a stage naming one built-in. */
export async function runOne(declared: ReturnType<typeof declare>, o: RunOptions): Promise<CheckResult> {
  const results = [...(await runChecks(declared, o)).values()];
  if (results.length !== 1) throw new Error(`expected one check, got ${results.map((r) => r.id).join(', ')}`);
  return results[0]!;
}

/** A real HTTP server on 127.0.0.1 answering with `handler`; `close` stops it. */
export async function serve(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A signed-in session file as the sign-in step writes it. */
export function sessionFile(dir: string, headers: Record<string, string>): string {
  const file = path.join(dir, 'session.json');
  writeFileSync(file, JSON.stringify({ type: 'header', headers, cookies: [] }));
  return file;
}
