import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadProfileFile } from '../../checks/load/profile.ts';
import type { CheckKind } from '../../model/check-result.ts';
import type { Runbook, Stage } from '../../model/runbook.ts';
import { planGuards } from '../guards/plan-guards.ts';
import { isBlocking, type Plan, planBuiltins, planMetrics, planStages } from '../plan.ts';
import { DRILL_CHECK_IDS } from '../steps/drill.ts';
import { requiresCheckId, signoffCheckId, WINDOW_CHECK_ID } from '../steps/governance.ts';
import { loadCheckId } from '../steps/load-stage.ts';
import { type PlaceholderScan, scanPlaceholders } from './placeholder-scan.ts';

/**
 * Every check id a stage's gate reports, known without running it: the engine's (sign-in and
 * built-ins, metric checks, maintenance and availability guards, the load check, the drill's
 * steps, the window, the stage order, the sign-offs), each from where the gate makes it, and the
 * suites' tests as the runners list them (nothing runs; no target is touched). What coverage
 * resolves a source item's references against, and what render lists.
 */

export interface StageCheck {
  id: string;
  title: string;
  kind: CheckKind;
  /** A runner check's file, or what runs it: `built-in`, `metrics`, `stage`, `load`, `drill`, `governance`. */
  suite: string;
  blocking: boolean;
  /** Declared with placeholder(): it always errors until written. */
  placeholder: boolean;
  /**
   * The suite declares a placeholder whose title is not a literal (its line): which test it is
   * cannot be told, so no test of that file counts as written.
   */
  unknown?: number;
}

export interface StageChecks {
  name: string;
  checks: StageCheck[];
  /** What could not be listed or read: the stage's ids are then not all known. */
  problems: string[];
  /** Suites that listed but match no test (the gate would error them). */
  empty: string[];
}

/** A listed test (its names joined with " > ", as vitest lists them) is one of the file's placeholders. */
function isDeclared(scan: PlaceholderScan, full: string): boolean {
  for (const n of scan.names) if (full === n || full.endsWith(` > ${n}`)) return true;
  return false;
}

/** The lists of each stage of a runbook, each runner listed once for all stages that share its options. */
export async function listStageChecks(
  root: string,
  runbook: Runbook,
  env: NodeJS.ProcessEnv,
  /** `false`: only the checks the runbook declares, without asking the runners for their tests. */
  options: { listRunners?: boolean } = {},
): Promise<StageChecks[]> {
  const stages = Object.values(runbook.stages);
  const plans: Promise<Plan[]> =
    options.listRunners === false
      ? Promise.resolve(stages.map(() => ({ checks: [], problems: [], keys: new Map() })))
      : planStages(root, stages, env);
  const planOf = async (stage: Stage) => (await plans)[stages.indexOf(stage)]!;
  const scans = new Map<string, Promise<PlaceholderScan | Error>>();
  const scanOf = (file: string) => {
    const s =
      scans.get(file) ?? readFile(path.resolve(root, file), 'utf8').then(scanPlaceholders, (e: Error) => e);
    scans.set(file, s);
    return s;
  };
  return Promise.all(
    Object.entries(runbook.stages).map(async ([name, stage]) => {
      const out: StageChecks = { name, checks: [], problems: [], empty: [] };
      const target = runbook.targets[stage.target]!;
      const engine = (
        id: string,
        title: string,
        kind: CheckKind,
        suite: string,
        blocking = isBlocking(stage, id),
      ) => out.checks.push({ id, title, kind, suite, blocking, placeholder: false });
      for (const c of planBuiltins(stage, target, stage.target))
        engine(c.id, c.title, c.kind, c.suite, c.blocking);
      const plan = await planOf(stage);
      for (const p of plan.problems) {
        if (p.message.startsWith('ran no test')) out.empty.push(`${p.suite}: ${p.message}`);
        else out.problems.push(`${p.suite}: ${p.message}`);
      }
      // Each listed test's full name, to match the placeholders its file declares.
      const names = new Map<string, { file: string; name: string }>();
      for (const [k, id] of plan.keys) {
        const [file, ...titlePath] = k.split('\u0000');
        names.set(id, { file: file!, name: titlePath.join(' > ') });
      }
      for (const c of plan.checks) {
        const listed = names.get(c.id);
        const scan = listed ? await scanOf(listed.file) : undefined;
        if (scan instanceof Error)
          out.problems.push(`${listed!.file}: could not be read for placeholders: ${scan.message}`);
        const found = scan && !(scan instanceof Error) ? scan : undefined;
        out.checks.push({
          id: c.id,
          title: c.title,
          kind: c.kind,
          suite: c.suite,
          blocking: isBlocking(stage, c.id),
          placeholder: Boolean(found && listed && isDeclared(found, listed.name)),
          ...(found?.unresolved.length ? { unknown: found.unresolved[0] } : {}),
        });
      }
      for (const c of planMetrics(stage, stage.target, runbook.providers))
        engine(c.id, c.title, c.kind, c.suite, c.blocking);
      for (const c of planGuards(stage)) engine(c.id, c.title, c.kind, c.suite, c.blocking);
      if (stage.load) {
        try {
          const profile = await loadProfileFile(stage.load.profile, root);
          engine(
            loadCheckId(profile.name),
            `load profile ${profile.name} within the stage's budgets`,
            'load',
            stage.load.profile,
            true,
          );
        } catch (error) {
          out.problems.push(
            `${stage.load.profile}: the load profile could not be loaded: ${(error as Error).message}`,
          );
        }
      }
      if (stage.drill)
        for (const id of DRILL_CHECK_IDS) engine(id, `drill step ${id}`, 'harness', 'drill', true);
      if (stage.windows.length) engine(WINDOW_CHECK_ID, 'deployment window', 'harness', 'governance', true);
      for (const r of stage.requires?.stages ?? [])
        engine(requiresCheckId(r.stage), `${r.stage} promoted the release`, 'harness', 'governance', true);
      if (stage.requires?.drill)
        engine(requiresCheckId('drill'), 'a passing drill', 'harness', 'governance', true);
      if (stage.requires?.watch)
        engine(requiresCheckId('watch'), 'consecutive passing watch runs', 'harness', 'governance', true);
      for (const s of runbook.signoffs.filter((x) => x.stage === name))
        engine(signoffCheckId(s.title), `sign-off: ${s.title}`, 'manual', 'governance', true);
      return out;
    }),
  );
}
