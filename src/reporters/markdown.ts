import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describeMeasurement } from '../checks/budget.ts';
import type { Measurement } from '../model/measurement.ts';
import type { Verdict } from '../model/verdict.ts';
import { describeAdvisoryMiss, isAdvisoryMiss } from './advisory.ts';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A measurement in words; a broken rule held as advisory says it is not met (it passes, and would read as met). */
const describe = (m: Measurement) =>
  isAdvisoryMiss(m) ? `**advisory, not met**: ${describeAdvisoryMiss(m)}` : describeMeasurement(m);

/** A summary for CI job pages (GitHub's $GITHUB_STEP_SUMMARY and the like). */
export function markdownSummary(v: Verdict): string {
  const icon = v.verdict === 'promote' ? '✅ PROMOTE' : '⛔ HOLD';
  const lines = [
    `## ${icon}: ${v.runbook} / ${v.stage} (release ${v.target.version})`,
    '',
    `Run \`${v.runId}\` against ${v.target.baseURL || '(no target)'} in ${(v.durationMs / 1000).toFixed(1)} s.`,
    '',
  ];
  if (v.reasons.length) lines.push('**Why HOLD**', '', ...v.reasons.map((r) => `- ${r}`), '');
  lines.push('| status | check | blocking | detail |', '| --- | --- | --- | --- |');
  for (const c of v.checks) {
    // A measurement the message already states (a metric check's) is not repeated.
    const said = c.notApplicable ?? c.message ?? '';
    const detail = [said, ...c.measurements.map(describe).filter((d) => !said.includes(d))]
      .filter(Boolean)
      .join('; ');
    lines.push(
      `| ${c.status} | ${cell(c.title)} \`${c.id}\` | ${c.blocking ? 'yes' : 'advisory'} | ${cell(detail)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function writeMarkdown(v: Verdict, runDir: string): void {
  const text = markdownSummary(v);
  writeFileSync(path.join(runDir, 'summary.md'), text);
  // CI job summary where the CI offers one.
  if (process.env.GITHUB_STEP_SUMMARY) writeFileSync(process.env.GITHUB_STEP_SUMMARY, text, { flag: 'a' });
}
