import type { Measurement } from '../../model/measurement.ts';
import { ObservationError } from '../authoring/errors.ts';
import type { TargetDeclaration } from '../authoring/target-context.ts';
import { evaluate } from '../budget.ts';
import type { RuleResult } from '../probes/assessment.ts';
import {
  DATABASE_PERSISTENT,
  databasePersistence,
  JOURNAL_MODE,
  MISSING_SECRETS,
  secretsPresent,
  sqliteWal,
} from '../probes/runtime-config.ts';
import type { BuiltinAssessment, BuiltinRun } from './run.ts';

export const MISSING_ENV = { name: 'missing-env-vars', operator: '==', expected: 0 } as const;

/**
 * `hygiene/runtime-config`: what the deployment's environment must hold. The required variables
 * (`requiredEnv`, and `databaseUrlEnv`) must be set, or the check cannot observe anything
 * (errored: environment incomplete); the declared `secrets` must be set; the database must be
 * persistent (a server, or an SQLite file that exists) and, with `requireWal`, SQLite must run in
 * WAL mode. Names only: values are tested for presence and never copied into output.
 */
export async function checkRuntimeConfig(
  declaration: TargetDeclaration,
  run: BuiltinRun,
): Promise<BuiltinAssessment> {
  const { secrets, requiredEnv, databaseUrlEnv, requireWal } = declaration;
  const env = run.env;
  const required = [...new Set([...requiredEnv, ...(databaseUrlEnv ? [databaseUrlEnv] : [])])];
  const measurements: Measurement[] = [];
  const rules: RuleResult[] = [];
  const problems: string[] = [];
  if (required.length) {
    const r = secretsPresent(required, env);
    measurements.push(evaluate(MISSING_ENV, r.missing.length, required.length));
    if (r.missing.length)
      throw new ObservationError(
        `environment incomplete: ${r.missing.join(', ')} not set for this gate`,
        'ROLLGATE_MISSING_ENV',
      );
  }
  if (secrets.length) {
    const s = secretsPresent(secrets, env);
    measurements.push(s.measurement);
    rules.push({
      rule: MISSING_SECRETS.name,
      passed: s.missing.length === 0,
      seen: s.missing.length,
      expected: 0,
    });
    if (s.missing.length) problems.push(`secrets not set: ${s.missing.join(', ')}`);
  }
  const evidence: string[] = [];
  if (databaseUrlEnv) {
    const url = env[databaseUrlEnv]!;
    const db = databasePersistence(url, databaseUrlEnv, run.root);
    evidence.push(`${databaseUrlEnv}: ${db.location}`);
    measurements.push(evaluate(DATABASE_PERSISTENT, db.persistent ? 'yes' : 'no', 1));
    rules.push({
      rule: DATABASE_PERSISTENT.name,
      passed: db.persistent,
      seen: db.persistent ? 'yes' : 'no',
      expected: 'yes',
    });
    if (db.problem) problems.push(`${db.problem}: data would be lost on restart`);
    if (requireWal && db.persistent) {
      const wal = sqliteWal(url, run.root);
      if (wal.applicable) {
        measurements.push(wal.measurement);
        rules.push({
          rule: JOURNAL_MODE.name,
          passed: wal.measurement.passed,
          seen: wal.mode,
          expected: 'wal',
        });
        if (!wal.measurement.passed)
          problems.push(`${db.location} runs in ${wal.mode} journal mode, not WAL`);
        evidence.push(`journal mode: ${wal.mode}`);
      } else {
        rules.push({
          rule: JOURNAL_MODE.name,
          passed: true,
          seen: 'n/a',
          expected: 'wal',
          notApplicable: wal.reason,
        });
      }
    }
  }
  return {
    subject: 'runtime configuration',
    rules,
    measurements,
    evidence: evidence.length
      ? [{ name: 'database', contentType: 'text/plain', body: evidence.join('\n') }]
      : [],
    ...(problems.length ? { message: problems.join('; ') } : {}),
  };
}
