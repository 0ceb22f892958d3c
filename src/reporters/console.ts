import { styleText } from 'node:util';
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

/** The command-line overrides, one line each: `budget p95-latency <= 300 ms`, `Playwright testTimeout 60000 ms`. */
export function describeOverrides(o: Verdict['overrides']): string[] {
  return [
    ...(o?.budgets ?? []).map(
      (b) => `budget ${b.name} ${b.operator} ${b.value}${b.unit ? ` ${b.unit}` : ''}`,
    ),
    ...Object.entries(o?.playwright ?? {}).map(([k, ms]) => `Playwright ${k} ${ms} ms`),
  ];
}

/**
 * Colour only where a person reads it: never with `NO_COLOR` set to anything (https://no-color.org),
 * never when the stream is not a terminal (a pipe, a CI log, a file), never on a dumb terminal.
 */
export function colourEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return !env.NO_COLOR && stream.isTTY === true && env.TERM !== 'dumb';
}

type Format = Parameters<typeof styleText>[0];

const STATUS_COLOUR: Record<CheckStatus, Format> = {
  passed: 'green',
  failed: 'red',
  errored: 'magenta',
  skipped: 'gray',
  flaky: 'yellow',
  waived: 'cyan',
};

/** A check's duration for the table: `7 ms`, `3.4 s`, `2 min 5 s`. */
export function tableDuration(ms: number): string {
  if (Math.round(ms) < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return s % 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s / 60} min`;
}

export interface ConsoleOptions {
  /** Colour the status words and the verdict (see colourEnabled). Default: none. */
  colour?: boolean;
}

/**
 * The checks as an aligned table (status, check id, duration, blocking, title); under each
 * problem, what was measured against what was expected; then the counts and the verdict with its
 * reasons.
 */
export function consoleReport(v: Verdict, warnings: readonly string[] = [], o: ConsoleOptions = {}): string {
  const paint = (format: Format, text: string) =>
    o.colour ? styleText(format, text, { validateStream: false }) : text;
  const out: string[] = [''];
  const width = Math.max(...v.checks.map((c) => c.id.length), 10);
  const times = v.checks.map((c) => tableDuration(c.durationMs));
  const timeWidth = Math.max(...times.map((t) => t.length), 4);
  if (v.checks.length)
    out.push(
      paint(
        'dim',
        `  ${'status'.padEnd(9)} ${'check'.padEnd(width)}  ${'time'.padStart(timeWidth)}  blocking  title`,
      ),
    );
  v.checks.forEach((c, i) => {
    const status = `${MARK[c.status]} ${c.status}`;
    out.push(
      `  ${paint(STATUS_COLOUR[c.status], status)}${' '.repeat(9 - status.length)} ${c.id.padEnd(width)}  ${times[i]!.padStart(timeWidth)}  ${(c.blocking ? 'yes' : 'no').padEnd(8)}  ${c.title}`,
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
  });
  const s = v.summary;
  out.push(
    '',
    `  ${s.total} checks: ${s.passed} passed, ${s.failed} failed, ${s.errored} errored, ${s.skipped} skipped, ${s.flaky} flaky, ${s.waived} waived`,
  );
  for (const w of warnings) out.push(`  advisory: ${w}`);
  for (const line of describeOverrides(v.overrides)) out.push(`  overridden for this run: ${line}`);
  out.push('');
  const what = `${v.runbook}/${v.stage} release ${v.target.version}`;
  if (v.verdict === 'promote') out.push(`${paint(['bold', 'green'], 'PROMOTE')} ${what}`);
  else {
    out.push(`${paint(['bold', 'red'], 'HOLD')} ${what}`);
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
export function watchReport(v: Verdict, o: ConsoleOptions = {}): string {
  const series = v.checks.find((c) => c.id === 'watch/series');
  return `${consoleReport(v, [], o)}${v.verdict === 'promote' && series?.message ? `  ${series.message}\n` : ''}`;
}
