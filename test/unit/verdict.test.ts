import { describe, expect, it } from 'vitest';
import { summarize, Verdict } from '../../src/model/verdict.ts';
import { makeCheck, makeVerdict } from './helpers.ts';

describe('Verdict schema', () => {
  it('parses a valid verdict and applies check defaults', () => {
    const { retries: _r, ...withoutRetries } = makeCheck();
    const v = { ...makeVerdict(), checks: [withoutRetries] };
    const parsed = Verdict.parse(v);
    expect(parsed.verdict).toBe('promote');
    expect(parsed.checks[0]!.retries).toBe(0);
  });

  it('accepts the optional interrupted and fixed clock fields', () => {
    const v = makeVerdict([makeCheck()], {
      verdict: 'hold',
      reasons: ['interrupted: SIGINT received'],
      interrupted: 'SIGINT received',
      clock: { fixed: true, now: '2026-03-08T06:30:00Z' },
    });
    expect(Verdict.safeParse(v).success).toBe(true);
  });

  it.each(['runId', 'runbook', 'stage', 'verdict', 'startedAt', 'target', 'checks', 'summary', 'reasons'])(
    'rejects a verdict without %s',
    (field) => {
      const v = makeVerdict() as unknown as Record<string, unknown>;
      delete v[field];
      const r = Verdict.safeParse(v);
      expect(r.success).toBe(false);
      expect(r.error!.issues.some((i) => i.path[0] === field)).toBe(true);
    },
  );

  it('rejects a verdict other than promote or hold', () => {
    const r = Verdict.safeParse({ ...makeVerdict(), verdict: 'maybe' });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(['verdict']);
  });

  it('rejects a check status outside the known set', () => {
    const r = Verdict.safeParse(makeVerdict([makeCheck({ status: 'ok' as never })]));
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(['checks', 0, 'status']);
  });

  it.each(['yesterday', '2026-03-08', '2026-13-40T99:00:00Z', ''])('rejects the date %j', (date) => {
    const r = Verdict.safeParse({ ...makeVerdict(), startedAt: date });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(['startedAt']);
  });

  it('rejects a wrong schema version and negative durations', () => {
    expect(Verdict.safeParse({ ...makeVerdict(), schemaVersion: 2 }).success).toBe(false);
    expect(Verdict.safeParse({ ...makeVerdict(), durationMs: -1 }).success).toBe(false);
  });

  it('rejects evidence with neither path nor body', () => {
    const r = Verdict.safeParse(
      makeVerdict([makeCheck({ evidence: [{ name: 'screenshot', contentType: 'image/png' }] })]),
    );
    expect(r.success).toBe(false);
  });
});

describe('summarize', () => {
  it('counts every status, including zeros, and the total', () => {
    const s = summarize([
      { status: 'passed' },
      { status: 'passed' },
      { status: 'failed' },
      { status: 'errored' },
      { status: 'skipped' },
      { status: 'flaky' },
      { status: 'waived' },
      { status: 'errored' },
    ]);
    expect(s).toEqual({ passed: 2, failed: 1, errored: 2, skipped: 1, flaky: 1, waived: 1, total: 8 });
  });

  it('gives zero counts for no checks', () => {
    expect(summarize([])).toEqual({
      passed: 0,
      failed: 0,
      errored: 0,
      skipped: 0,
      flaky: 0,
      waived: 0,
      total: 0,
    });
  });
});
