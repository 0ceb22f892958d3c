import type { Budget } from '../../model/runbook.ts';

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
  /** Target declaration from the runbook (health paths, environment label, required env…). */
  target: {
    versionPath: string;
    health?: { simple: string; deep: string };
    environment?: string;
    requiredEnv: string[];
    secrets: string[];
    databaseUrlEnv?: string;
    allowMutations: boolean;
    configFiles: string[];
    secretAllowlist: unknown[];
    /** The runbook's own secret patterns (`{ id, pattern, message? }`), validated by the scan. */
    secretPatterns?: unknown[];
    http?: { headers: Record<string, string>; caFile?: string };
    jwksPath?: string;
    security?: {
      headerPaths: string[];
      corsPath: string;
      corsUntrustedOrigin: string;
      rateLimit?: { path: string; limit: number; windowSeconds: number };
      csrfProbe?: { path: string; tokenPage: string; tokenField?: string };
      login: { path: string };
    };
  };
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
