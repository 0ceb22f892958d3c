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
  /** `{runDir}`, `{scratchDir}`, `{restoredDatabaseUrl}`, `{restoredDataDir}` in embedded environments. */
  vars: Record<string, string>;
  children: ChildSet;
  signal: AbortSignal;
  /** Set when the stage cannot start. */
  blocked?: string;
  /**
   * A drill ran: the apps boot only on what it restored, so an empty `{restoredDatabaseUrl}` or
   * `{restoredDataDir}` they use blocks the start (see `drillBlocked`).
   */
  drill?: boolean;
}

const RESTORED = ['restoredDatabaseUrl', 'restoredDataDir'] as const;
const RESTORED_WHAT = { restoredDatabaseUrl: 'a database', restoredDataDir: 'a folder' } as const;

/**
 * Why a drill's app must not start: nothing was restored, or the app's embedded command or env
 * uses a restored placeholder that is empty (a folder restored but the env wants
 * `{restoredDatabaseUrl}`: the app would get DATABASE_URL='' and might fall back to live data).
 * Each use is named by its runbook field. Undefined when the apps may start.
 */
export function drillBlocked(gate: ResolvedGate, vars: Record<string, string>): string | undefined {
  const restored = RESTORED.find((n) => vars[n]);
  if (!restored) return 'drill: no restored database or folder to boot the app on';
  const starting: [string, Target][] = [];
  if (!gate.baseURL) starting.push([gate.targetName, gate.target]);
  const b = gate.baseline;
  if (b && !b.baseURL && !b.missing) starting.push([b.targetName, b.target]);
  const problems: string[] = [];
  for (const [name, target] of starting) {
    if (!target.embedded) continue;
    const fields: [string, string][] = [
      ...target.embedded.command.map((v, i): [string, string] => [`command[${i}]`, v]),
      ...Object.entries(target.embedded.env).map(([k, v]): [string, string] => [`env.${k}`, v]),
    ];
    for (const [field, value] of fields)
      for (const placeholder of RESTORED)
        if (!vars[placeholder] && value.includes(`{${placeholder}}`))
          problems.push(
            `targets.${name}.embedded.${field} uses {${placeholder}}, but the drill restored ${RESTORED_WHAT[restored]} ({${restored}}), which is all the app can boot on: use {${restored}} there, or point the drill at a backup of ${RESTORED_WHAT[placeholder]}`,
          );
  }
  return problems.length ? `drill: ${problems.join('; ')}` : undefined;
}

const embeddedEnvOf = (t: Target, vars: Record<string, string>) =>
  t.embedded ? expandEnv(t.embedded.env, vars) : {};

/**
 * Starts what the stage needs on this machine: the target when it has no URL, and the baseline
 * when the stage compares against one, side by side. Secrets the embedded apps need are generated
 * when absent from the environment, so the demo runs on a fresh machine.
 */
export async function startStageTargets(gate: ResolvedGate, o: StartOptions): Promise<StageTargets> {
  const blocked = o.blocked ?? (o.drill ? drillBlocked(gate, o.vars) : undefined);
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
  const startBaseline = !blocked && localBaseline && b.target.embedded;
  if (localBaseline && !b.target.embedded) {
    return {
      baseURL: gate.baseURL ?? '',
      targetEnv: secretEnv,
      secretValues,
      startError: `baseline target "${b.targetName}" has neither a baseURL nor an embedded app`,
    };
  }
  const [canary, baseline] = await Promise.allSettled([
    !blocked && !gate.baseURL && gate.target.embedded
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
    startError: blocked ?? (failures.length ? failures.join('; ') : undefined),
    secretValues,
  };
}
