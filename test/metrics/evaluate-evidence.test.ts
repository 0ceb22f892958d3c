import { describe, expect, it } from 'vitest';
import { metricChartSvg } from '../../src/checks/metrics/metric-chart.ts';
import { ANSWER_LIMIT, answersBody } from '../../src/checks/metrics/metric-evidence.ts';
import { runMetricCheck } from '../../src/checks/metrics/run-check.ts';
import { CheckResult } from '../../src/model/check-result.ts';
import {
  answer,
  matrix,
  metricCheck,
  providerError,
  runOf,
  STEP,
  tableSource,
  vector,
  WINDOW,
} from './answers.ts';

const Q = 'sum(errors{t="canary"})';
const body = (r: CheckResult, suffix: string) => r.evidence.find((e) => e.name.endsWith(suffix))!.body!;

/** Self-contained: no scripts, no external references, no remote fonts. */
const selfContained = (svg: string) => {
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  expect(svg.replace('xmlns="http://www.w3.org/2000/svg"', '')).not.toMatch(
    /https?:|<script|href=|@import|url\(/i,
  );
};

describe('metricChartSvg', () => {
  it('draws the series over time, a dashed threshold and a legend, escaping text', () => {
    const svg = metricChartSvg({
      title: 'p95 <b>&',
      series: [
        {
          label: 'canary {pod="a<1>"}',
          points: [
            [WINDOW.start, 1],
            [WINDOW.start + 60, Number.NaN],
            [WINDOW.end, 3],
          ],
        },
      ],
      threshold: { value: 2, label: '< 2 ms' },
      start: WINDOW.start,
      end: WINDOW.end,
      unit: 'ms',
    });
    selfContained(svg);
    expect(svg).toContain('p95 &lt;b&gt;&amp;');
    expect(svg).toContain('canary {pod=&quot;a&lt;1&gt;&quot;} (n=2)');
    expect(svg).toMatch(/<line data-threshold="2"[^>]*stroke-dasharray/);
    expect(svg).toContain('&lt; 2 ms');
    // NaN skipped: two points in the line.
    expect(/<polyline[^>]*points="([^"]*)"/.exec(svg)![1]!.split(' ')).toHaveLength(2);
    expect(svg).not.toContain('NaN');
  });

  it('draws a lone point as a dot and says "no data" with none', () => {
    const one = metricChartSvg({
      title: 't',
      series: [{ label: 'c', points: [[WINDOW.end, 0.1]] }],
      start: WINDOW.end,
      end: WINDOW.end,
    });
    selfContained(one);
    expect(one).toContain('<circle data-series="c"');
    expect(one).not.toContain('NaN');
    const none = metricChartSvg({
      title: 't',
      series: [{ label: 'c', points: [[WINDOW.end, Number.NaN]] }],
      start: 0,
      end: 1,
    });
    expect(none).toContain('>no data</text>');
  });
});

describe('metric check evidence', () => {
  it('charts an instant check over its window from a range fetched for the chart', async () => {
    const source = tableSource({
      [`instant ${Q}`]: vector(0.001),
      [`range ${Q}`]: matrix((i) => i / 10_000),
    });
    const result = CheckResult.parse(await runMetricCheck(runOf(metricCheck({}), source)));
    expect(source.calls).toContainEqual({ kind: 'range', query: Q, args: [WINDOW.start, WINDOW.end, STEP] });
    const svg = body(result, '.svg');
    selfContained(svg);
    expect(svg).toContain('canary (n=41)');
    expect(svg).toContain('data-threshold="0.005"');
    const summary = JSON.parse(body(result, 'error-ratio.json'));
    expect(summary).toMatchObject({
      id: 'metrics/error-ratio',
      outcome: 'pass',
      actual: 0.001,
      sides: [
        {
          role: 'canary',
          query: Q,
          value: 0.001,
          window: {
            start: new Date(WINDOW.start * 1000).toISOString(),
            end: new Date(WINDOW.end * 1000).toISOString(),
          },
        },
      ],
    });
  });

  it('keeps the status when the chart range fails, and records the raw answers', async () => {
    const a = vector(0.05);
    const source = tableSource({ [`instant ${Q}`]: a, [`range ${Q}`]: providerError('too many points') });
    const result = CheckResult.parse(await runMetricCheck(runOf(metricCheck({}), source)));
    expect(result.status).toBe('failed');
    expect(body(result, '.svg')).toContain('canary (n=1)');
    const answers = JSON.parse(body(result, '-answer.json'));
    expect(answers).toEqual([
      {
        role: 'canary',
        target: 'canary',
        kind: 'query',
        query: Q,
        digest: a.ok && a.digest,
        answer: JSON.parse(a.ok ? a.raw : ''),
      },
    ]);
  });

  it('cuts the raw answers at 64 KB', () => {
    const big = answer('vector', [{ labels: { blob: '"x"'.repeat(40_000) }, points: [[1, 1]] }]);
    const text = answersBody([
      { role: 'canary', target: 'canary', kind: 'query', query: 'q', answer: big },
      { role: 'canary', target: 'canary', kind: 'traffic', query: 't', answer: vector(1) },
    ]);
    expect(text.length).toBeLessThanOrEqual(ANSWER_LIMIT);
    const parsed = JSON.parse(text);
    expect(parsed[0]).toMatchObject({ truncated: true, digest: big.ok && big.digest });
    expect(parsed[1]).toMatchObject({ truncated: false });
  });
});
