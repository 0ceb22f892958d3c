import { randomBytes } from 'node:crypto';
import type { ResolvedGate } from '../config/options.ts';
import { authEnvNames } from '../model/auth-env.ts';
import type { Target } from '../model/runbook.ts';
import type { ChildSet } from './children.ts';
import { expandEnv, startEmbedded } from './embedded.ts';

export interface StageTargets {
  /** The target under test; '' when it could not start. */
  baseURL: string;
  /** Environment the suites need from the started app (its database URL, generated secrets). */
  targetEnv: Record<string, string>;
  /** The baseline the canary is compared against, when the stage has one. */
  baselineURL?: string;
  /** Why the stage's baseline is not there to compare with (the load check then errors). */
  baselineMissing?: string;
  /** Why the stage cannot run its checks; every check is then errored. */
  startError?: string;
  /** Declared and generated secret values, masked in every output. */
  secretValues: string[];
}

interface StartOptions {
  root: string;
  env: NodeJS.ProcessEnv;
  /** `{runDir}`, `{scratchDir}`, `{restoredDatabaseUrl}` in embedded environments. */
  vars: Record<string, string>;
  children: ChildSet;
  signal: AbortSignal;
  /** Set when the stage cannot start (a drill without a restored copy). */
  blocked?: string;
}

const embeddedEnvOf = (t: Target, vars: Record<string, string>) =>
  t.embedded ? expandEnv(t.embedded.env, vars) : {};

/**
 * Starts what the stage needs on this machine: the target when it has no URL, and the baseline
 * when the stage compares against one, side by side. Secrets the embedded apps need are generated
 * when absent from the environment, so the demo runs on a fresh machine.
 */
export async function startStageTargets(gate: ResolvedGate, o: StartOptions): Promise<StageTargets> {
  const b = gate.baseline;
  const embeddedEnv = !gate.baseURL ? embeddedEnvOf(gate.target, o.vars) : {};
  const localBaseline = b && !b.baseURL && !b.missing;
  const baselineEnv = localBaseline ? embeddedEnvOf(b.target, o.vars) : {};
  // Secrets either app needs: generated once when absent, shared by both, masked everywhere.
  const secretEnv: Record<string, string> = {};
  // Never the account the gate signs in with: a generated password could only fail the login, and
  // the sign-in's "env APP_PASSWORD is not set" says what to do.
  const generate = (target: Target, own: Record<string, string>) => {
    const signIn = new Set(authEnvNames(target.auth));
    for (const name of target.secrets)
      if (!o.env[name] && !own[name] && !secretEnv[name] && !signIn.has(name))
        secretEnv[name] = randomBytes(24).toString('hex');
  };
  if (!gate.baseURL) generate(gate.target, embeddedEnv);
  if (localBaseline) generate(b.target, baselineEnv);
  const names = [...new Set([...gate.target.secrets, ...(b?.target.secrets ?? [])])];
  const secretValues = [
    ...names.map((n) => o.env[n] || secretEnv[n] || ''),
    ...names.flatMap((n) => [embeddedEnv[n] ?? '', baselineEnv[n] ?? '']),
  ].filter(Boolean);

  const start = async (name: string, target: Target, extraEnv: Record<string, string>) => {
    try {
      return await startEmbedded(target.embedded!, o.children, {
        cwd: o.root,
        env: o.env,
        extraEnv,
        signal: o.signal,
      });
    } catch (error) {
      throw new Error(`${name} failed to start: ${(error as Error).message}`);
    }
  };
  const startBaseline = !o.blocked && localBaseline && b.target.embedded;
  if (localBaseline && !b.target.embedded) {
    return {
      baseURL: gate.baseURL ?? '',
      targetEnv: secretEnv,
      secretValues,
      startError: `baseline target "${b.targetName}" has neither a baseURL nor an embedded app`,
    };
  }
  const [canary, baseline] = await Promise.allSettled([
    !o.blocked && !gate.baseURL && gate.target.embedded
      ? start('embedded target', gate.target, { ...embeddedEnv, ...secretEnv })
      : Promise.resolve(undefined),
    startBaseline
      ? start(`baseline "${b.targetName}"`, b.target, { ...baselineEnv, ...secretEnv })
      : Promise.resolve(undefined),
  ]);
  const failures = [canary, baseline].flatMap((r) =>
    r.status === 'rejected' ? [(r.reason as Error).message] : [],
  );
  const started = canary.status === 'fulfilled' ? canary.value : undefined;
  return {
    baseURL: started?.baseURL ?? gate.baseURL ?? '',
    targetEnv: started?.env ?? secretEnv,
    baselineURL: baseline.status === 'fulfilled' ? (baseline.value?.baseURL ?? b?.baseURL) : undefined,
    baselineMissing: b?.missing,
    startError: o.blocked ?? (failures.length ? failures.join('; ') : undefined),
    secretValues,
  };
}
