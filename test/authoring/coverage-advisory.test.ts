import { describe, expect, it } from 'vitest';
import { coverageText } from '../../src/cli/coverage.ts';
import { assessCoverage } from '../../src/engine/coverage/coverage.ts';
import { listStageChecks } from '../../src/engine/coverage/stage-checks.ts';
import { CoverageReport } from '../../src/model/coverage.ts';
import { Runbook } from '../../src/model/runbook.ts';

/**
 * Issue 13 follow-up, coverage of items whose checks are advisory: still automated (the check is
 * written and runs; a WARN threshold is advisory by nature) but marked `advisoryOnly` in the JSON
 * and "(advisory only: never holds a stage)" in the table, since such an item never holds a stage.
 * The stages' checks are listed as `rollgate coverage` lists them (no suites here, so no runner
 * starts and nothing touches the target).
 */

const ROOT = new URL('../..', import.meta.url).pathname;
const query = 'sum(rate(http_requests_total{rollgate_target="{target}",status=~"5.."}[{window}]))';

const runbook = Runbook.parse({
  name: 'advisory-coverage',
  providers: { prom: { type: 'prometheus', url: 'http://127.0.0.1:9', scrapeInterval: '15s' } },
  targets: { app: { baseURL: 'http://127.0.0.1:9', health: { live: '/healthz', ready: '/readyz' } } },
  stages: {
    canary: {
      target: 'app',
      checks: ['health'],
      // The readiness probe reports but never holds the canary.
      advisory: ['probes/health-ready'],
      metrics: [
        { name: 'errors-warn', query, operator: '<', value: 1, window: '5m', advisory: true },
        { name: 'errors-critical', query, operator: '<', value: 5, window: '5m' },
      ],
    },
    production: {
      target: 'app',
      checks: ['health'],
      metrics: [{ name: 'errors-warn', query, operator: '<', value: 1, window: '5m', advisory: true }],
    },
  },
  sources: [
    {
      document: 'plan.md',
      items: [
        {
          section: 'Alerts',
          label: 'Error rate > 1/s → WARN',
          kind: 'threshold',
          checks: ['metrics/errors-warn'],
        },
        {
          section: 'Alerts',
          label: 'Error rate > 5/s → CRITICAL',
          kind: 'threshold',
          checks: ['canary:metrics/errors-critical'],
        },
        { section: 'Canary', label: 'Ready on the canary', checks: ['canary:probes/health-ready'] },
        // Advisory in the canary, blocking in production: it holds a stage.
        { section: 'Any', label: 'Ready anywhere', checks: ['probes/health-ready'] },
        // One blocking check beside an advisory one: it holds the canary.
        {
          section: 'Canary',
          label: 'Errors, both levels',
          checks: ['canary:metrics/errors-warn', 'canary:metrics/errors-critical'],
        },
      ],
    },
  ],
});

describe('coverage of advisory checks', async () => {
  const lists = await listStageChecks(ROOT, runbook, {});
  const { report, couldNotTell } = assessCoverage({ file: 'advisory.runbook.ts', runbook }, lists);
  const item = (label: string) => report.documents[0]!.items.find((i) => i.label === label)!;

  it('counts an item whose every check is advisory as automated, marked advisoryOnly', () => {
    expect(couldNotTell).toEqual([]);
    expect(CoverageReport.parse(report)).toEqual(report);
    expect(report.counts).toEqual({ automated: 5, manual: 0, missing: 0 });
    for (const label of ['Error rate > 1/s → WARN', 'Ready on the canary'])
      expect(item(label), label).toMatchObject({
        status: 'automated',
        advisoryOnly: true,
        detail: expect.stringMatching(/\(advisory only: never holds a stage\)$/),
      });
    expect(item('Error rate > 1/s → WARN').checks[0]!.stages).toEqual(['canary', 'production']);
  });

  it('does not mark an item with a check that is blocking in some stage', () => {
    for (const label of ['Error rate > 5/s → CRITICAL', 'Ready anywhere', 'Errors, both levels']) {
      expect(item(label).status, label).toBe('automated');
      expect(item(label), label).not.toHaveProperty('advisoryOnly');
      expect(item(label).detail, label).not.toContain('advisory only');
    }
  });

  it('says so in the table', () => {
    const text = coverageText(report);
    expect(text).toMatch(
      /^ {2}Alerts +Error rate > 1\/s → WARN +threshold +automated +metrics\/errors-warn \(canary, production\) \(advisory only: never holds a stage\)$/m,
    );
    expect(text).toMatch(
      /^ {2}Any +Ready anywhere +checkbox +automated +probes\/health-ready \(canary, production\)$/m,
    );
  });
});
