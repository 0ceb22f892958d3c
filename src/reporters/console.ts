import { describeMeasurement } from '../checks/budget.ts';
import type { WatchProgress } from '../engine/watch/watch.ts';
import type { CheckStatus } from '../model/check-result.ts';
import { formatDuration } from '../model/governance.ts';
import type { Verdict } from '../model/verdict.ts';
import { describeAdvisoryMiss, isAdvisoryMiss } from './advisory.ts';

const MARK: Record<CheckStatus, string> = {
  passed: '✔',
  failed: '✘',
  errored: '!',
  skipped: '-',
  flaky: '~',
  waived: 'w',
};

/** One line per check; under each problem, what was measured against what was expected. */
/** The command-line overrides, one line each: `budget p95-latency <= 300 ms`, `Playwright testTimeout 60000 ms`. */
export function describeOverrides(o: Verdict['overrides']): string[] {
  return [
    ...(o?.budgets ?? []).map(
      (b) => `budget ${b.name} ${b.operator} ${b.value}${b.unit ? ` ${b.unit}` : ''}`,
    ),
    ...Object.entries(o?.playwright ?? {}).map(([k, ms]) => `Playwright ${k} ${ms} ms`),
  ];
}

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
    // A rule held as advisory and broken passes, so the check does too: still said under it.
    for (const m of c.measurements.filter(isAdvisoryMiss))
      out.push(`      advisory: ${describeAdvisoryMiss(m)}`);
  }
  const s = v.summary;
  out.push(
    '',
    `  ${s.total} checks: ${s.passed} passed, ${s.failed} failed, ${s.errored} errored, ${s.skipped} skipped, ${s.flaky} flaky, ${s.waived} waived`,
  );
  for (const w of warnings) out.push(`  advisory: ${w}`);
  for (const line of describeOverrides(v.overrides)) out.push(`  overridden for this run: ${line}`);
  out.push('');
  if (v.verdict === 'promote') out.push(`PROMOTE ${v.runbook}/${v.stage} release ${v.target.version}`);
  else {
    out.push(`HOLD ${v.runbook}/${v.stage} release ${v.target.version}`);
    for (const r of v.reasons) out.push(`  - ${r}`);
  }
  return `${out.join('\n')}\n`;
}

/**
 * One line per run of a watch series, then the reasons of a run that held:
 * `watch canary 3/12 · PROMOTE 21/21 · failures 0 (limit 1) · consecutive passes 3/5 · next in 30s`.
 */
export function watchProgressLine(p: WatchProgress): string {
  const { verdict: v, state, limits, status } = p;
  const csl = limits.consecutiveSuccessLimit;
  const next = status.done
    ? `series ${status.outcome}`
    : p.nextInMs === undefined
      ? 'stopping'
      : p.nextInMs < 1000
        ? 'next now'
        : `next in ${formatDuration(Math.ceil(p.nextInMs / 1000) * 1000)}`;
  const line = [
    `watch ${p.stage} ${p.index}/${limits.runs}`,
    `${v.verdict.toUpperCase()} ${v.summary.passed}/${v.summary.total}`,
    `failures ${state.failures} (limit ${limits.failureLimit})`,
    `consecutive passes ${state.consecutivePasses}${csl ? `/${csl}` : ''}`,
    next,
  ].join(' · ');
  const held =
    v.verdict === 'promote'
      ? []
      : [`    run ${v.runId}:`, ...v.reasons.slice(0, 3).map((r) => `      - ${r}`)];
  return `${[line, ...held].join('\n')}\n`;
}

/** The series' report: its runs and the policy's answer, which a PROMOTE shows too. */
export function watchReport(v: Verdict): string {
  const series = v.checks.find((c) => c.id === 'watch/series');
  return `${consoleReport(v)}${v.verdict === 'promote' && series?.message ? `  ${series.message}\n` : ''}`;
}
