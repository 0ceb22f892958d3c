import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { UNREDACTED_COPY_ENV } from '../../src/checks/redact/redact-files.ts';
import { writeAllure } from '../../src/reporters/allure.ts';
import { buildHtmlReport } from '../../src/reporters/html-report.ts';
import { locateIn, locateSecret, unzipEntries } from '../hygiene/secret-search.ts';
import { check, readVerdict, rollgate, tempReports } from './helpers.ts';

/** Characters that URL, form, JSON and HTML encoding each change. */
const SECRET = 'p@ss w/"rd+&1';
const RUNBOOK = 'test/fixtures/runbooks/secret-artifacts.runbook.ts';
const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

describe('secrets in artifacts (issue 9, item 1)', () => {
  test('a planted SMOKE_PASSWORD typed by a failing golden path is nowhere under reports/, zips and base64 included, nor in anything printed', {
    timeout: 240_000,
  }, async () => {
    const reports = tempReports();
    const scratch = mkdtempSync(path.join(tmpdir(), 'rollgate-secret-e2e-'));
    made.push(reports, scratch);
    const unredacted = path.join(scratch, 'run');
    const gate = await rollgate(['gate', 'typed', '--runbook', RUNBOOK], {
      ROLLGATE_REPORTS_DIR: reports,
      SMOKE_PASSWORD: SECRET,
      [UNREDACTED_COPY_ENV]: unredacted,
    });
    expect(gate.exitCode, gate.all).toBe(1);
    const verdict = readVerdict(reports);
    expect(verdict.reasons).toEqual([
      `secret/typed failed: the username field keeps what was typed; expect(locator).toHaveValue(expected) failed; Locator:  locator('#username'); Expected: "not-what-was-typed"`,
    ]);
    expect(check(verdict, 'secret/typed').message).toContain('Received: "***"');
    const report = await rollgate(['report'], { ROLLGATE_REPORTS_DIR: reports });
    expect(report.exitCode, report.all).toBe(0);

    // First, redaction off: the same run's folder as Playwright left it, and an Allure report built
    // from it without masking. The search finds the value in every form Playwright writes.
    const identity = (s: string) => s;
    const runDir = path.join(reports, 'runs', verdict.runId);
    const raw = structuredClone(verdict);
    for (const c of raw.checks)
      for (const e of c.evidence) if (e.path) e.path = e.path.replace(runDir, unredacted);
    const rawHtml = await buildHtmlReport({
      resultsDirs: [writeAllure(raw, unredacted, identity)],
      outDir: path.join(scratch, 'html'),
    });
    const before = locateSecret(unredacted, SECRET);
    for (const leak of [
      /error-context\.md$/,
      /trace\.zip!\/test\.trace \(JSON-unescaped\)$/,
      /trace\.zip!\/test\.trace \(JSON-unescaped, then JSON-unescaped\)$/,
      /trace\.zip!\/1-trace\.trace \(JSON-unescaped\)$/,
      /trace\.zip!\/1-trace\.network \(URL-decoded\)$/,
      /trace\.zip!\/resources\/\w+\.dat \(form-decoded\)$/,
      /trace\.zip!\/resources\/\w+\.html \(HTML-unescaped\)$/,
      /^raw\/playwright\.json \(JSON-unescaped\)$/,
      /^allure-results\/.*-attachment\.zip!\/test\.trace \(JSON-unescaped\)$/,
    ])
      expect(before, String(leak)).toContainEqual(expect.stringMatching(leak));
    expect(locateIn(readFileSync(rawHtml.file), SECRET, 'index.html')).toContainEqual(
      expect.stringMatching(/^index\.html \(base64 UEsDB.*\)!\/test\.trace \(JSON-unescaped\)$/),
    );

    // Then, as rollgate leaves it: no form of the value anywhere under reports/, nor printed.
    expect(locateSecret(reports, SECRET)).toEqual([]);
    expect(locateIn(Buffer.from(gate.all), SECRET, 'gate output')).toEqual([]);
    expect(locateIn(Buffer.from(report.all), SECRET, 'report output')).toEqual([]);

    // The evidence a reviewer needs survives: the trace keeps its members, the screenshot its bytes.
    const [trace] = check(verdict, 'secret/typed').evidence.filter((e) => e.name === 'trace');
    const cleaned = unzipEntries(readFileSync(trace!.path!));
    const original = unzipEntries(readFileSync(trace!.path!.replace(runDir, unredacted)));
    expect(cleaned.map((m) => m.name)).toEqual(original.map((m) => m.name));
    expect(cleaned.find((m) => m.name === 'test.trace')!.data.toString()).toContain(
      '"title":"Fill \\"***\\""',
    );
    const [shot] = check(verdict, 'secret/typed').evidence.filter((e) => e.contentType === 'image/png');
    expect(readFileSync(shot!.path!).equals(readFileSync(shot!.path!.replace(runDir, unredacted)))).toBe(
      true,
    );
  });
});
