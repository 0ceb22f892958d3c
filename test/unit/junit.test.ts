import { describe, expect, it } from 'vitest';
import { junitXml } from '../../src/reporters/junit.ts';
import { makeCheck, makeMeasurement, makeVerdict } from './helpers.ts';

/** The <testcase …>…</testcase> element whose name ends with `[id]`. */
function testcase(xml: string, id: string): string {
  const cases = xml.match(/<testcase [\s\S]*?<\/testcase>/g) ?? [];
  const found = cases.find((c) => c.includes(`[${id}]"`));
  if (!found) throw new Error(`no testcase for ${id} in:\n${xml}`);
  return found;
}

const verdict = makeVerdict(
  [
    makeCheck({ id: 'ok', title: 'health answers', durationMs: 1500 }),
    makeCheck({
      id: 'slow',
      title: 'p95 within budget',
      status: 'failed',
      message: 'latency budget broken',
      measurements: [makeMeasurement({ actual: 812, passed: false })],
    }),
    makeCheck({
      id: 'down',
      title: 'version answers',
      status: 'errored',
      message: 'target unreachable: refused',
    }),
    makeCheck({ id: 'na', title: 'backup age', status: 'skipped', notApplicable: 'no backups on canary' }),
    makeCheck({ id: 'retry', title: 'login', status: 'flaky', message: 'passed only on retry 1' }),
  ],
  { verdict: 'hold', durationMs: 61_234 },
);

describe('junitXml', () => {
  const xml = junitXml(verdict);

  it('writes the counts on testsuites and testsuite', () => {
    expect(
      xml.startsWith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="rollgate demo" tests="5" failures="1" errors="1" skipped="1" time="61.234">',
      ),
    ).toBe(true);
    expect(xml).toContain(
      '<testsuite name="demo:canary" tests="5" failures="1" errors="1" skipped="1" timestamp="2026-03-08T06:30:00.000Z">',
    );
    expect(xml.match(/<testcase /g)).toHaveLength(5);
  });

  it('writes a passed check as an empty testcase with classname, id and time', () => {
    expect(testcase(xml, 'ok')).toBe(
      '<testcase classname="runbooks/probes.suite.ts" name="health answers [ok]" time="1.500"></testcase>',
    );
  });

  it('writes failed as <failure> with the message and the broken measurement', () => {
    const tc = testcase(xml, 'slow');
    expect(tc).toContain(
      '<failure message="latency budget broken">latency budget broken\np95-latency: 812 ms violates &lt;= 500 ms (1200 samples)</failure>',
    );
    expect(tc).not.toContain('<error');
  });

  it('writes errored as <error>, not <failure>', () => {
    const tc = testcase(xml, 'down');
    expect(tc).toContain('<error message="target unreachable: refused">target unreachable: refused</error>');
    expect(tc).not.toContain('<failure');
  });

  it('gives a coded <failure>/<error> the code as type, and a listed code its fix in the text', () => {
    const coded = junitXml(
      makeVerdict([
        makeCheck({ id: 'nodata', status: 'errored', message: 'p95: no value', code: 'ROLLGATE_NO_DATA' }),
        makeCheck({ id: 'enoent', status: 'errored', message: 'cannot open x.json', code: 'ENOENT' }),
        makeCheck({ id: 'broke', status: 'failed', message: 'budget', code: 'ROLLGATE_K6_FAILED' }),
      ]),
    );
    expect(testcase(coded, 'nodata')).toContain(
      '<error message="p95: no value" type="ROLLGATE_NO_DATA">p95: no value\nROLLGATE_NO_DATA: make the check observe something',
    );
    // A code rollgate does not list is kept as it came, with no fix.
    expect(testcase(coded, 'enoent')).toContain(
      '<error message="cannot open x.json" type="ENOENT">cannot open x.json\nENOENT</error>',
    );
    expect(testcase(coded, 'broke')).toContain('<failure message="budget" type="ROLLGATE_K6_FAILED">');
    // Uncoded checks have no type attribute.
    expect(testcase(xml, 'down')).not.toContain('type=');
  });

  it('writes skipped as <skipped> with the not-applicable reason', () => {
    expect(testcase(xml, 'na')).toContain('<skipped message="no backups on canary"/>');
  });

  it('keeps the detail of other statuses in system-out', () => {
    expect(testcase(xml, 'retry')).toContain('<system-out>flaky\npassed only on retry 1</system-out>');
  });

  it('escapes XML special characters in every attribute and text, and drops forbidden control characters', () => {
    const nasty = makeVerdict(
      [
        makeCheck({
          id: 'x&y',
          title: `<script>"quotes" & 'apostrophes'</script>`,
          suite: 'runbooks/a&b.suite.ts',
          status: 'failed',
          message: 'expected <h1> & "ok"\u001b[31m red\u0000',
        }),
      ],
      { runbook: 'r&d' },
    );
    const out = junitXml(nasty);
    expect(out).toContain('classname="runbooks/a&amp;b.suite.ts"');
    expect(out).toContain(
      'name="&lt;script&gt;&quot;quotes&quot; &amp; &apos;apostrophes&apos;&lt;/script&gt; [x&amp;y]"',
    );
    expect(out).toContain('<failure message="expected &lt;h1&gt; &amp; &quot;ok&quot;[31m red">');
    expect(out).toContain('<testsuites name="rollgate r&amp;d"');
    const forbidden = [...out].filter((ch) => ch.charCodeAt(0) < 0x20 && !'\t\n\r'.includes(ch));
    expect(forbidden).toEqual([]);
    // Nothing unescaped is left between tags.
    for (const text of out.match(/>[^<]*</g) ?? [])
      expect(text.slice(1, -1)).not.toMatch(/[<>"]|&(?!amp;|lt;|gt;|quot;|apos;)/);
  });
});
