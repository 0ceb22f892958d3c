import { describe, expect, it } from 'vitest';
import { latencyChartSvg } from '../../src/checks/load/chart.ts';
import { observeSamples, type RequestSample } from '../../src/checks/load/observation.ts';
import { percentileRows, percentileTable } from '../../src/checks/load/table.ts';

/**
 * A small well-formedness check: one root element, every tag closed in order, attributes quoted,
 * no unescaped `<` or stray `&` in text. Enough to catch broken markup without an XML library.
 */
function assertWellFormedXml(xml: string): string[] {
  const stack: string[] = [];
  const names: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<!--[\s\S]*?-->/g;
  let last = 0;
  for (let m = tag.exec(xml); m; m = tag.exec(xml)) {
    const text = xml.slice(last, m.index);
    expect(text).not.toMatch(/[<>]|&(?!(amp|lt|gt|quot|apos|#\d+);)/);
    last = tag.lastIndex;
    if (m[0].startsWith('<!--')) continue;
    const [, closing, name, , selfClosing] = m;
    if (stack.length === 0 && names.length > 0) throw new Error(`second root element <${name}>`);
    names.push(name!);
    if (closing) expect(stack.pop()).toBe(name);
    else if (!selfClosing) stack.push(name!);
  }
  expect(xml.slice(last).trim()).toBe('');
  expect(stack).toEqual([]);
  return names;
}

const spread = (n: number, base: number) => Array.from({ length: n }, (_, i) => base + (i % 17) * 0.37);

describe('latency chart (SVG)', () => {
  it('is well-formed, self-contained, labelled, and draws both series', () => {
    const svg = latencyChartSvg({ baseline: spread(500, 1), canary: spread(300, 800) });
    const tags = assertWellFormedXml(svg);
    expect(tags[0]).toBe('svg');
    expect(tags.filter((t) => t === 'polyline')).toHaveLength(2);
    expect(svg).toContain('data-series="baseline"');
    expect(svg).toContain('data-series="canary"');
    expect(svg).toContain('baseline (n=500)');
    expect(svg).toContain('canary (n=300)');
    // 1 ms against 800 ms: a log axis, or the baseline would be a vertical line at 0.
    expect(svg).toContain('latency (ms, log scale)');
    expect(svg).toContain('requests answered within');
    expect(svg).not.toMatch(/<script|href=|@import|url\(/i);
  });

  it('uses a linear axis for close distributions, escapes labels, and says when there is no data', () => {
    const svg = latencyChartSvg({ series: [{ label: 'a<b & "c"', values: spread(50, 10) }] });
    assertWellFormedXml(svg);
    expect(svg).toContain('latency (ms)<');
    expect(svg).toContain('a&lt;b &amp; &quot;c&quot;');
    const empty = latencyChartSvg({ baseline: [], canary: [] });
    assertWellFormedXml(empty);
    expect(empty).toContain('no latencies recorded');
  });

  it('keeps large runs small: at most ~240 points per series', () => {
    const svg = latencyChartSvg({ baseline: spread(100_000, 1) });
    expect(svg.length).toBeLessThan(20_000);
  });
});

const sample = (endpoint: string, latencyMs: number | null, status = 200): RequestSample => ({
  endpoint,
  latencyMs,
  status,
  failed: status === 0 || status >= 500,
});

describe('percentile table', () => {
  const baseline = observeSamples(
    'autocannon',
    [sample('health', 1), sample('health', 3), sample('estimates', 10)],
    1000,
  );
  const canary = observeSamples(
    'autocannon',
    [sample('health', 800), sample('health', 820, 500), sample('health', null, 0), sample('login', 5)],
    1000,
  );

  it('has one row per endpoint and side, then the totals, including endpoints one side never saw', () => {
    const rows = percentileRows({ baseline, canary });
    expect(rows.map((r) => `${r.endpoint}/${r.side}/${r.requests}/${r.errors}`)).toEqual([
      'health/baseline/2/0',
      'health/canary/3/2',
      'estimates/baseline/1/0',
      'estimates/canary/0/0',
      'login/baseline/0/0',
      'login/canary/1/0',
      'all/baseline/3/0',
      'all/canary/4/2',
    ]);
    expect(rows[0]).toMatchObject({ p50: 2, p90: 2.8, p99: 2.98 });
  });

  it('renders markdown with right-aligned numbers and HTML with escaped names', () => {
    const md = percentileTable({ baseline, canary });
    expect(md.split('\n')[0]).toBe(
      '| endpoint | side | requests | errors | p50 ms | p90 ms | p95 ms | p99 ms |',
    );
    expect(md.split('\n')[1]).toBe('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    expect(md).toContain('| health | canary | 3 | 2 | 810 | 818 | 819 | 819.8 |');
    expect(md).toContain('| estimates | canary | 0 | 0 | – | – | – | – |');
    const html = percentileTable({ canary: observeSamples('autocannon', [sample('<x>', 1)], 10) }, 'html');
    assertWellFormedXml(html);
    expect(html).toContain('<td>&lt;x&gt;</td>');
  });
});
