import { describe, expect, it } from 'vitest';
import { markdownSummary } from '../../src/reporters/markdown.ts';
import { advisoryHeaderMeasurements } from './advisory-measurements.ts';
import { makeCheck, makeMeasurement, makeVerdict } from './helpers.ts';

describe('markdownSummary', () => {
  it('heads a promote with the verdict, runbook, stage and release, and lists no reasons', () => {
    const md = markdownSummary(makeVerdict());
    expect(md.split('\n')[0]).toBe('## ✅ PROMOTE: demo / canary (release 1.2.3)');
    expect(md).toContain('Run `20260308T063000Z-abc123` against http://127.0.0.1:4000 in 60.0 s.');
    expect(md).not.toContain('Why HOLD');
  });

  it('lists the reasons of a hold and one table row per check', () => {
    const v = makeVerdict(
      [
        makeCheck({ id: 'probes/health' }),
        makeCheck({
          id: 'probes/latency',
          title: 'p95 within budget',
          status: 'failed',
          measurements: [makeMeasurement({ actual: 812, passed: false })],
        }),
        makeCheck({
          id: 'golden/login',
          title: 'login',
          status: 'errored',
          blocking: false,
          message: 'refused',
        }),
        makeCheck({
          id: 'backup/age',
          title: 'backup age',
          status: 'skipped',
          notApplicable: 'no backups here',
        }),
      ],
      {
        verdict: 'hold',
        reasons: ['probes/latency failed: p95-latency: 812 ms violates <= 500 ms (1200 samples)'],
      },
    );
    const md = markdownSummary(v);
    expect(md.split('\n')[0]).toBe('## ⛔ HOLD: demo / canary (release 1.2.3)');
    expect(md).toContain(
      '**Why HOLD**\n\n- probes/latency failed: p95-latency: 812 ms violates <= 500 ms (1200 samples)\n',
    );
    const rows = md
      .split('\n')
      .filter((l) => l.startsWith('| ') && !l.startsWith('| status') && !l.startsWith('| ---'));
    expect(rows).toEqual([
      '| passed | deployed version equals the release `probes/health` | yes |  |',
      '| failed | p95 within budget `probes/latency` | yes | p95-latency: 812 ms violates <= 500 ms (1200 samples) |',
      '| errored | login `golden/login` | advisory | refused |',
      '| skipped | backup age `backup/age` | yes | no backups here |',
    ]);
  });

  it('keeps pipes and newlines from breaking the table', () => {
    const md = markdownSummary(
      makeVerdict([makeCheck({ title: 'a | b', status: 'failed', message: 'line one\nline | two' })]),
    );
    const row = md.split('\n').find((l) => l.startsWith('| failed'));
    expect(row).toBe('| failed | a \\| b `probes/version` | yes | line one line \\| two |');
  });
});

describe('markdownSummary: a rule held as advisory and broken', () => {
  it('reads as not met, not as a rule that held', () => {
    const md = markdownSummary(
      makeVerdict([makeCheck({ id: 'security/headers', measurements: advisoryHeaderMeasurements() })]),
    );
    const row = md.split('\n').find((l) => l.includes('`security/headers`'));
    expect(row).toMatch(
      /\*\*advisory, not met\*\*: \/login Referrer-Policy: seen \(absent\); expected one of no-referrer/,
    );
    expect(row).not.toMatch(/Referrer-Policy: \(absent\) ==/);
    // A rule that held reads as before.
    expect(row).toMatch(/\/login X-Frame-Options: DENY == /);
  });

  it('states a measurement once when the message already says it (a metric check)', () => {
    const said = 'p95-latency: 812 ms violates <= 500 ms (1200 samples)';
    const md = markdownSummary(
      makeVerdict([
        makeCheck({
          id: 'metrics/p95',
          kind: 'metrics',
          status: 'failed',
          message: `${said}; query: histogram_quantile(…); answer sha256:0123456789abcdef`,
          measurements: [makeMeasurement({ actual: 812, passed: false })],
        }),
      ]),
    );
    const row = md.split('\n').find((l) => l.includes('metrics/p95'))!;
    expect(row.split(said)).toHaveLength(2);
  });
});
