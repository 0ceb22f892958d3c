import { describeMeasurement, displayNumber } from '../checks/budget.ts';
import type { CheckResult } from '../model/check-result.ts';
import type { Stage } from '../model/runbook.ts';

export interface Decision {
  verdict: 'promote' | 'hold';
  reasons: string[];
  /** Advisory problems: shown, never deciding. */
  warnings: string[];
}

/** Whether one check lets the stage promote. Fail closed: anything not known good is not ok. */
export function checkIsOk(c: CheckResult, stage: Pick<Stage, 'flaky'>): boolean {
  switch (c.status) {
    case 'passed':
    case 'waived':
      return true;
    case 'skipped':
      return Boolean(c.notApplicable?.trim());
    case 'flaky':
      return stage.flaky === 'promote';
    default:
      return false;
  }
}

/** `p95-latency 812 ms (<= 500)` for numbers; the bare name for rules (a header that is absent). */
function brief(m: CheckResult['measurements'][number]): string {
  if (m.outcome === 'no-data' || m.outcome === 'inconclusive')
    return `${m.name} (${/^(inconclusive|no data)[^;]*/.exec(m.note ?? '')?.[0] ?? m.outcome})`;
  if (typeof m.actual !== 'number') return m.name;
  // Milliseconds as every report shows them (2 decimals); other units to 3 decimals, as before.
  const shown = m.unit === 'ms' ? displayNumber(m.actual, 'ms') : +m.actual.toFixed(3);
  return `${m.name} ${shown}${m.unit ? ` ${m.unit}` : ''} (${m.operator} ${m.expected})`;
}

/** One line saying why a check holds the stage, with the measurement that broke when there is one. */
export function reasonFor(c: CheckResult): string {
  const broken = c.measurements.find((m) => !m.passed);
  const message = (c.message ?? '').split('\n').slice(0, 4).join('; ');
  if (!broken || (c.status === 'errored' && message))
    return `${c.id} ${c.status}${message ? `: ${message}` : ''}`;
  const allBroken = c.measurements.filter((m) => !m.passed);
  // Several broken rules (missing headers, say): name each one, since that is the fix list.
  const measured =
    allBroken.length > 1
      ? `${allBroken.length} rules broken: ${allBroken.map(brief).join(', ')}`
      : describeMeasurement(broken);
  // The measurement says how bad; the message's first telling line says where (file, header,
  // endpoint). Generic assertion text and headings add nothing.
  const where = (c.message ?? '')
    .split('\n')
    .map((l) => l.trim())
    .find(
      (l) =>
        l &&
        !l.endsWith(':') &&
        !/^(AssertionError|expected )/.test(l) &&
        !l.includes(measured) &&
        !measured.includes(l),
    );
  return `${c.id} ${c.status}: ${measured}${where ? `; ${where}` : ''}`;
}

/** The stage's policy: promote only when every blocking check is ok and something was checked. */
export function decide(
  checks: readonly CheckResult[],
  stage: Pick<Stage, 'flaky'>,
  interrupted?: string,
): Decision {
  const reasons: string[] = [];
  const warnings: string[] = [];
  if (interrupted) reasons.push(`interrupted: ${interrupted}`);
  if (!checks.some((c) => c.blocking))
    reasons.push('no blocking check ran: nothing proves this stage is safe');
  for (const c of checks) {
    if (checkIsOk(c, stage)) continue;
    (c.blocking ? reasons : warnings).push(reasonFor(c));
  }
  return { verdict: reasons.length === 0 ? 'promote' : 'hold', reasons, warnings };
}
