import { describe, expect, it } from 'vitest';
import { fillQuery, promDuration } from '../../src/checks/metrics/template.ts';

const vars = { release: '1.2.3', stage: 'canary', target: 'canary', baseline: 'stable' };

describe('fillQuery', () => {
  it("fills rollgate's placeholders and leaves PromQL's matchers as written", () => {
    const q =
      'sum(rate(http_requests_total{rollgate_target="{target}",status=~"5..",release="{release}"}[{window}])) / on() group_left sum(up{job="x"}) - {baseline} {stage}';
    expect(fillQuery(q, { ...vars, window: '37125ms' })).toBe(
      'sum(rate(http_requests_total{rollgate_target="canary",status=~"5..",release="1.2.3"}[37125ms])) / on() group_left sum(up{job="x"}) - stable canary',
    );
    expect(fillQuery('up{instance=~".+"} or vector(0){}', vars)).toBe('up{instance=~".+"} or vector(0){}');
    expect(fillQuery('x{targets="{targets}"}', vars)).toBe('x{targets="{targets}"}');
  });

  it('throws on a known placeholder with no value, naming it and the query', () => {
    const q = 'sum(errors{t="{baseline}"})';
    expect(() => fillQuery(q, { release: '1', stage: 's', target: 't' })).toThrow(
      /\{baseline\}.*no value.*set the stage's baseline.*query: sum\(errors\{t="\{baseline\}"\}\)/,
    );
    expect(() => fillQuery('rate(x[{window}])', vars)).toThrow(/\{window\}.*query: rate\(x\[\{window\}\]\)/);
  });
});

describe('promDuration', () => {
  it('writes whole milliseconds, at least 1', () => {
    expect(promDuration(37.125)).toBe('37125ms');
    expect(promDuration(600)).toBe('600000ms');
    expect(promDuration(0.0001)).toBe('1ms');
    expect(promDuration(0)).toBe('1ms');
    expect(() => promDuration(Number.NaN)).toThrow(/NaN seconds/);
    expect(() => promDuration(-1)).toThrow(/end must follow its start/);
  });
});
