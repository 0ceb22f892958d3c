import type { Budget, Target } from '../../model/runbook.ts';

/** What suites see of the target: its declaration without how to start it. */
export type TargetDeclaration = Omit<Target, 'baseURL' | 'embedded'>;

/** What a suite knows about the run it is part of; the engine passes it through the environment. */
export interface TargetContext {
  baseURL: string;
  release: string;
  stage: string;
  runId: string;
  /** Where checks may write evidence files. */
  evidenceDir: string;
  /** The stage's budgets, by measurement name (web vitals, latency…); checks look theirs up here. */
  budgets: Budget[];
  /** Target declaration from the runbook (health, version, security, data…), `{scratchDir}` resolved. */
  target: TargetDeclaration;
  /**
   * The session the engine signed in with, once for the run, when the target declares `auth`: a
   * JSON file ({@link TargetSession}) in the run's scratch folder, removed when the run ends.
   */
  sessionFile?: string;
}

/** Reads the context in a vitest or Playwright worker. Outside a gate it explains how to run one. */
export function targetContext(env: NodeJS.ProcessEnv = process.env): TargetContext {
  const raw = env.ROLLGATE_CONTEXT;
  if (!raw) {
    throw new Error(
      'this suite runs inside a gate: use `npx rollgate gate <stage>` (ROLLGATE_CONTEXT is not set)',
    );
  }
  return JSON.parse(raw) as TargetContext;
}
