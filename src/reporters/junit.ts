import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describeMeasurement } from '../checks/budget.ts';
import { errorCodeInfo } from '../model/error-codes.ts';
import type { Verdict } from '../model/verdict.ts';

const esc = (s: string) =>
  s
    .replace(
      /[&<>"']/g,
      (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!,
    )
    // biome-ignore lint/suspicious/noControlCharactersInRegex: XML 1.0 forbids these characters; they must go.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

/** The check's error code and, when it is a listed code, its fix: one line of a failure's text. */
function codeLine(code: string | undefined): string | undefined {
  if (!code) return undefined;
  const info = errorCodeInfo(code);
  return info ? `${code}: ${info.fix}` : code;
}

/**
 * JUnit XML for CI systems: failed → <failure>, errored → <error>, unjustified skips → <skipped>.
 * A check's error code is the `type` of its <failure> or <error>, where CI tools group by it.
 */
export function junitXml(v: Verdict): string {
  const s = v.summary;
  const cases = v.checks.map((c) => {
    const detail = [c.message, ...c.measurements.map(describeMeasurement), codeLine(c.code)]
      .filter(Boolean)
      .join('\n');
    const head = `    <testcase classname="${esc(c.suite)}" name="${esc(`${c.title} [${c.id}]`)}" time="${(c.durationMs / 1000).toFixed(3)}">`;
    const type = c.code ? ` type="${esc(c.code)}"` : '';
    let body = '';
    if (c.status === 'failed')
      body = `\n      <failure message="${esc(c.message ?? 'failed')}"${type}>${esc(detail)}</failure>\n    `;
    else if (c.status === 'errored')
      body = `\n      <error message="${esc(c.message ?? 'errored')}"${type}>${esc(detail)}</error>\n    `;
    else if (c.status === 'skipped')
      body = `\n      <skipped message="${esc(c.notApplicable ?? c.message ?? 'skipped')}"/>\n    `;
    else if (detail) body = `\n      <system-out>${esc(`${c.status}\n${detail}`)}</system-out>\n    `;
    return `${head}${body}</testcase>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="rollgate ${esc(v.runbook)}" tests="${s.total}" failures="${s.failed}" errors="${s.errored}" skipped="${s.skipped}" time="${(v.durationMs / 1000).toFixed(3)}">
  <testsuite name="${esc(`${v.runbook}:${v.stage}`)}" tests="${s.total}" failures="${s.failed}" errors="${s.errored}" skipped="${s.skipped}" timestamp="${v.startedAt}">
${cases.join('\n')}
  </testsuite>
</testsuites>
`;
}

export function writeJunit(v: Verdict, runDir: string): void {
  writeFileSync(path.join(runDir, 'junit.xml'), junitXml(v));
}
