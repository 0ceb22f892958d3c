import { setPriority, tmpdir } from 'node:os';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { execa } from 'execa';
import type { TargetDeclaration } from '../checks/authoring/target-context.ts';
import { builtinChecks } from '../checks/builtin/index.ts';
import { metricCheckTitle } from '../checks/metrics/run-check.ts';
import type { PlannedCheck } from '../model/check-result.ts';
import { type MetricProvider, metricCheckId, providerOf } from '../model/metrics.ts';
import type { Stage } from '../model/runbook.ts';
import type { ShardSpec } from '../model/shard.ts';
import { checkIdentity, matchesPattern } from './identity.ts';
import { playwrightInvocation, runnerCli, vitestInvocation } from './run-config/invocation.ts';
import { SIGN_IN_CHECK, signInTitle } from './sign-in-check.ts';

export interface Plan {
  checks: PlannedCheck[];
  /** Suites that could not be listed or that match no test: each becomes an errored check. */
  problems: { suite: string; kind: 'vitest' | 'playwright'; message: string }[];
  /** Key `file\u0000title path` → planned id, so runner results map back to the plan. */
  keys: Map<string, string>;
}

/** A check is blocking unless one of the stage's `advisory` patterns names it. */
export const isBlocking = (stage: Pick<Stage, 'advisory'>, id: string): boolean =>
  !stage.advisory.some((p) => matchesPattern(id, p));

export const key = (file: string, titlePath: readonly string[]) => `${file}\u0000${titlePath.join('\u0000')}`;

/**
 * Listing runs while the targets start and the runners run; niced, it takes only the CPU they leave,
 * so on a small machine the target is up as soon as it would be without it. Workers it forks later
 * inherit the priority.
 */
function lowPriority<T extends { pid?: number }>(child: T): T {
  try {
    if (child.pid) setPriority(child.pid, 10);
  } catch {
    // Not allowed here: listing at normal priority is only slower, never wrong.
  }
  return child;
}

interface Listed {
  file: string;
  titlePath: string[];
}

async function listVitest(root: string, stage: Stage, env: NodeJS.ProcessEnv): Promise<Listed[] | Error> {
  const inv = vitestInvocation(root, stage);
  const args = [runnerCli('vitest'), 'list', '--json', ...inv.args, ...stage.suites];
  if (stage.suiteFilter) args.push('-t', stage.suiteFilter);
  const r = await lowPriority(
    execa(process.execPath, args, { cwd: root, env: { ...env, ...inv.env }, reject: false, stdin: 'ignore' }),
  );
  const start = r.stdout.indexOf('[');
  if (r.exitCode !== 0 && start < 0) return new Error(firstLines(`${r.stderr}\n${r.stdout}`));
  try {
    const items = JSON.parse(r.stdout.slice(start)) as { name: string; file: string }[];
    return items.map((i) => ({ file: path.relative(root, i.file), titlePath: i.name.split(' > ') }));
  } catch {
    return new Error(firstLines(`${r.stderr}\n${r.stdout}`));
  }
}

interface PwSuite {
  title: string;
  file?: string;
  specs?: { title: string; file: string }[];
  suites?: PwSuite[];
}

function walk(suite: PwSuite, titles: string[], out: Listed[], testDir: string) {
  for (const s of suite.specs ?? [])
    out.push({ file: path.join(testDir, s.file), titlePath: [...titles, s.title] });
  for (const child of suite.suites ?? [])
    walk(child, child.file && child.title === child.file ? titles : [...titles, child.title], out, testDir);
}

async function listPlaywright(
  root: string,
  stage: Stage,
  env: NodeJS.ProcessEnv,
  shard?: ShardSpec,
): Promise<Listed[] | Error> {
  const smoke = stage.smoke!;
  // Listing writes nothing: the output folder is only there because the configuration needs one.
  // A shard lists only what Playwright assigns it.
  const inv = playwrightInvocation(root, stage, { outputDir: path.join(tmpdir(), 'rollgate-list'), shard });
  const args = [runnerCli('playwright'), 'test', '--list', ...inv.args, '--reporter=json', ...smoke.specs];
  if (smoke.grep) args.push('--grep', smoke.grep);
  const r = await lowPriority(
    execa(process.execPath, args, { cwd: root, env: { ...env, ...inv.env }, reject: false, stdin: 'ignore' }),
  );
  try {
    const report = JSON.parse(r.stdout) as {
      suites: PwSuite[];
      errors?: { message: string }[];
      config: { rootDir: string };
    };
    if (report.errors?.length) return new Error(firstLines(report.errors.map((e) => e.message).join('\n')));
    const out: Listed[] = [];
    const testDir = path.relative(root, report.config.rootDir) || '.';
    for (const s of report.suites) walk(s, [], out, testDir);
    return out;
  } catch {
    return new Error(firstLines(`${r.stderr}\n${r.stdout}`));
  }
}

export function firstLines(text: string, n = 6): string {
  // NO_COLOR is set for every child; a tool that colours anyway must not colour a reason.
  return (
    stripVTControlCharacters(text).trim().split('\n').filter(Boolean).slice(0, n).join('\n') || 'no output'
  );
}

/**
 * A stage's checks from what the runners listed (each list may hold other stages' files too). A
 * shard's spec may have no test in it: Playwright gave them to other shards, and the merge checks
 * the specs on the full list.
 */
function assemble(stage: Stage, vt: Listed[] | Error, pw: Listed[] | Error, sharded = false): Plan {
  const plan: Plan = { checks: [], problems: [], keys: new Map() };
  const add = (
    listed: Listed[] | Error,
    kind: 'vitest' | 'playwright',
    suites: string[],
    filter?: string,
    eachRuns = true,
  ) => {
    if (listed instanceof Error) {
      for (const s of suites)
        plan.problems.push({ suite: s, kind, message: `could not list tests: ${listed.message}` });
      return;
    }
    const own = new Set(suites.map((s) => path.normalize(s)));
    const mine = listed.filter((l) => own.has(path.normalize(l.file)));
    for (const s of suites) {
      const n = mine.filter((l) => path.normalize(l.file) === path.normalize(s)).length;
      if (n === 0 && eachRuns)
        plan.problems.push({
          suite: s,
          kind,
          message: `ran no test: ${filter ? `filter "${filter}" matches no test in ${s}` : `${s} has no tests or does not exist`}`,
        });
    }
    for (const l of mine) {
      const ident = checkIdentity(l.file, l.titlePath);
      let id = ident.id;
      for (let i = 2; plan.checks.some((c) => c.id === id); i++) id = `${ident.id}#${i}`;
      plan.keys.set(key(l.file, l.titlePath), id);
      plan.checks.push({
        id,
        title: ident.title,
        suite: l.file,
        kind,
        blocking: isBlocking(stage, id),
      });
    }
  };
  add(vt, 'vitest', stage.suites, stage.suiteFilter);
  if (stage.smoke) add(pw, 'playwright', stage.smoke.specs, stage.smoke.grep, !sharded);
  return plan;
}

/**
 * Lists (without running) every check a stage must run. Nothing here touches the target. With a
 * shard, the golden paths are those Playwright assigns that shard (`--shard i/n`).
 */
export async function planStage(
  root: string,
  stage: Stage,
  env: NodeJS.ProcessEnv,
  shard?: ShardSpec,
): Promise<Plan> {
  const [vt, pw] = await Promise.all([
    stage.suites.length ? listVitest(root, stage, env) : Promise.resolve([] as Listed[]),
    stage.smoke ? listPlaywright(root, stage, env, shard) : Promise.resolve([] as Listed[]),
  ]);
  return assemble(stage, vt, pw, Boolean(shard));
}

/**
 * The plans of many stages (`rollgate coverage`, `render`), listing each runner once for every
 * stage that shares its options: the union of their files in one `vitest list` and one
 * `playwright test --list`, each stage then taking its own files. A stage with a test filter
 * (`suiteFilter`, `smoke.grep`) is listed on its own, since the runner applies the filter.
 */
export async function planStages(
  root: string,
  stages: readonly Stage[],
  env: NodeJS.ProcessEnv,
): Promise<Plan[]> {
  const groups = new Map<string, Stage[]>();
  const alone: Stage[] = [];
  for (const st of stages) {
    if (st.suiteFilter || st.smoke?.grep) {
      alone.push(st);
      continue;
    }
    const k = JSON.stringify([st.vitest, st.playwright, st.retries]);
    groups.set(k, [...(groups.get(k) ?? []), st]);
  }
  const lists = new Map<Stage, Promise<[Listed[] | Error, Listed[] | Error]>>();
  for (const group of groups.values()) {
    const suites = [...new Set(group.flatMap((g) => g.suites))];
    const specs = [...new Set(group.flatMap((g) => g.smoke?.specs ?? []))];
    const union: Stage = {
      ...group[0]!,
      suites,
      smoke: specs.length ? { specs } : undefined,
    };
    const listed = Promise.all([
      suites.length ? listVitest(root, union, env) : Promise.resolve([] as Listed[]),
      specs.length ? listPlaywright(root, union, env) : Promise.resolve([] as Listed[]),
    ]);
    for (const st of group) lists.set(st, listed);
  }
  const alonePlans = new Map(alone.map((st) => [st, planStage(root, st, env)] as const));
  return Promise.all(
    stages.map(async (st) => {
      const own = alonePlans.get(st);
      if (own) return own;
      const [vt, pw] = await lists.get(st)!;
      return assemble(st, vt, pw);
    }),
  );
}

/**
 * The checks the gate runs in the engine, with their ids (no runner lists them): `auth/sign-in`
 * first when the target declares `auth` (always blocking, as the gate reports it), then the stage's
 * built-in checks (`stage.checks`), `health` being one check per declared endpoint. Nothing here
 * touches the target.
 */
export function planBuiltins(
  stage: Pick<Stage, 'checks' | 'advisory'>,
  target: Pick<TargetDeclaration, 'health' | 'requireWal' | 'auth'>,
  targetName = 'the target',
): PlannedCheck[] {
  const signIn: PlannedCheck[] = target.auth
    ? [
        {
          id: SIGN_IN_CHECK,
          title: signInTitle(targetName, target.auth),
          suite: 'auth',
          kind: 'harness',
          blocking: true,
        },
      ]
    : [];
  return [
    ...signIn,
    ...builtinChecks(stage.checks, target as TargetDeclaration).map((c) => ({
      id: c.id,
      title: c.title,
      suite: 'built-in',
      kind: 'builtin' as const,
      blocking: isBlocking(stage, c.id),
    })),
  ];
}

/** The stage's metric checks as planned (judged after the load step). */
export function planMetrics(
  stage: Pick<Stage, 'metrics' | 'advisory' | 'baseline'>,
  targetName: string,
  providers: Record<string, MetricProvider>,
): PlannedCheck[] {
  return stage.metrics.map((m) => {
    const id = metricCheckId(m.name);
    const json = providerOf(m, providers)?.provider.type === 'json';
    return {
      id,
      title: metricCheckTitle(m, targetName, stage.baseline, json),
      suite: 'metrics',
      kind: 'metrics' as const,
      blocking: !m.advisory && isBlocking(stage, id),
    };
  });
}
