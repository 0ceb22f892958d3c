import { describeMeasurement } from '../checks/budget.ts';
import type { CheckStatus } from '../model/check-result.ts';
import type { Verdict } from '../model/verdict.ts';

const MARK: Record<CheckStatus, string> = {
  passed: '✔',
  failed: '✘',
  errored: '!',
  skipped: '-',
  flaky: '~',
  waived: 'w',
};

/** One line per check; under each problem, what was measured against what was expected. */
export function consoleReport(v: Verdict, warnings: readonly string[] = []): string {
  const out: string[] = [''];
  const width = Math.max(...v.checks.map((c) => c.id.length), 10);
  for (const c of v.checks) {
    const tag = c.blocking ? '' : ' (advisory)';
    out.push(
      `  ${MARK[c.status]} ${c.status.padEnd(7)} ${c.id.padEnd(width)}  ${c.title}${tag}  ${c.durationMs} ms`,
    );
    if (c.status !== 'passed') {
      if (c.notApplicable) out.push(`      not applicable: ${c.notApplicable}`);
      for (const line of (c.message ?? '').split('\n').filter(Boolean)) out.push(`      ${line}`);
      for (const m of c.measurements.filter((x) => !x.passed)) {
        const line = describeMeasurement(m);
        if (!c.message?.includes(line)) out.push(`      ${line}`);
      }
    }
  }
  const s = v.summary;
  out.push(
    '',
    `  ${s.total} checks: ${s.passed} passed, ${s.failed} failed, ${s.errored} errored, ${s.skipped} skipped, ${s.flaky} flaky, ${s.waived} waived`,
  );
  for (const w of warnings) out.push(`  advisory: ${w}`);
  out.push('');
  if (v.verdict === 'promote') out.push(`PROMOTE ${v.runbook}/${v.stage} release ${v.target.version}`);
  else {
    out.push(`HOLD ${v.runbook}/${v.stage} release ${v.target.version}`);
    for (const r of v.reasons) out.push(`  - ${r}`);
  }
  return `${out.join('\n')}\n`;
}
