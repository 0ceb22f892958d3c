import path from 'node:path';
import type { TargetContext } from '../checks/authoring/target-context.ts';
import type { ResolvedGate } from '../config/options.ts';

/**
 * What the suites of one run see (ROLLGATE_CONTEXT): the target's URL and declaration, the release,
 * the stage's budgets, where to write evidence. `{scratchDir}` in config files becomes the run's
 * folder for files that may hold secrets.
 */
export function stageContext(
  gate: ResolvedGate,
  o: { baseURL: string; runId: string; runDir: string; scratchDir: string; sessionFile?: string },
): TargetContext {
  const t = gate.target;
  const { baseURL: _url, embedded: _embedded, ...declaration } = t;
  return {
    baseURL: o.baseURL,
    release: gate.release,
    stage: gate.stageName,
    runId: o.runId,
    evidenceDir: path.join(o.runDir, 'evidence'),
    budgets: gate.stage.budgets,
    target: {
      ...declaration,
      configFiles: t.configFiles.map((f) => f.replace(/\{scratchDir\}/g, o.scratchDir)),
    },
    ...(o.sessionFile ? { sessionFile: o.sessionFile } : {}),
  };
}
