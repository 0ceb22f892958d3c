import type { Operator } from '../../model/measurement.ts';
import type { Budget } from '../../model/runbook.ts';
import { budgetIssues, isFractionBudget } from '../../model/runbook-rules.ts';
import { plainText } from './inline.ts';

/**
 * Metric statements of deployment plans, read into budgets: "Error rate > 1% → CRITICAL",
 * "Response time p95 > 1s → WARN", "**Error Rate:** Target < 0.1%", a metric table's "< 200ms".
 * A guess, documented in docs/coverage.md: what it cannot read is returned as undefined, and the
 * importer keeps the line as an item with a placeholder instead of dropping it.
 */

/** Budget names of the metrics plans name, matched on the lower-cased metric text, first match wins. */
const KNOWN: [RegExp, string | ((m: RegExpExecArray) => string)][] = [
  [/\b(?:error|5xx|failure|fail)s?(?:[\s-]*(?:rate|ratio|percentage|%))?\b/, 'error-rate'],
  [/\bsuccess(?:[\s-]*(?:rate|ratio))?\b/, 'success-rate'],
  [/\b(?:availability|uptime)\b/, 'availability'],
  [/\b(?:throughput|rps|requests?[\s/-]*per[\s-]*second|req\/s)\b/, 'throughput'],
  [/\b(?:tti|time[\s-]*to[\s-]*interactive)\b/, 'tti'],
  [/\b(?:fcp|first[\s-]*contentful[\s-]*paint)\b/, 'fcp'],
  [/\b(?:lcp|largest[\s-]*contentful[\s-]*paint)\b/, 'lcp'],
  [/\b(?:cls|cumulative[\s-]*layout[\s-]*shift)\b/, 'cls'],
  [/\b(?:ttfb|time[\s-]*to[\s-]*first[\s-]*byte)\b/, 'ttfb'],
  [/\b(?:inp|interaction[\s-]*to[\s-]*next[\s-]*paint)\b/, 'inp'],
  [/\b(?:fid|first[\s-]*input[\s-]*delay)\b/, 'fid'],
  [/\bcpu\b/, 'cpu-usage'],
  [/\b(?:memory|ram|heap)\b/, 'memory-usage'],
  [/\bdisk\b/, 'disk-usage'],
  [/\bapdex\b/, 'apdex'],
  [/\b(?:db|database)?[\s-]*connections?\b/, 'db-connections'],
  [/\bqueue[\s-]*(?:depth|length|size)\b/, 'queue-depth'],
];

/** A percentile in a latency name: p95, p 99, 95th percentile, median. */
const PERCENTILE = /\bp\s?(50|75|90|95|99(?:\.9)?)\b|\b(50|75|90|95|99)(?:th)?[\s-]*percentile\b/;
const LATENCY = /\b(?:latency|response[\s-]*times?|duration|request[\s-]*times?)\b/;

/** `Response Time (p95)` → p95-latency; `Error Rate` → error-rate; otherwise the words, dashed. */
export function budgetName(metric: string): { name: string; known: boolean } {
  const t = plainText(metric).toLowerCase();
  const p = PERCENTILE.exec(t);
  const pct = p ? (p[1] ?? p[2])!.replace('.', '') : /\bmedian\b/.test(t) ? '50' : undefined;
  if (pct && (LATENCY.test(t) || /^\s*p\s?\d+\s*$/.test(t) || /\bmedian\b/.test(t)))
    return { name: `p${pct}-latency`, known: true };
  for (const [re, name] of KNOWN) {
    const m = re.exec(t);
    if (m) return { name: typeof name === 'string' ? name : name(m), known: true };
  }
  if (LATENCY.test(t)) return { name: 'response-time', known: true };
  const slug = t
    .replace(/\([^)]*\)/g, ' ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .split('-')
    .slice(0, 5)
    .join('-');
  return { name: /^[a-z]/.test(slug) ? slug : `metric-${slug || 'unnamed'}`, known: false };
}

/** Metrics where more is better: a bare "99.9%" target means at least that. */
const HIGHER_IS_BETTER = /availability|uptime|success|throughput|apdex|coverage|hit/;

/** Words and symbols for operators, longest first so `<=` is not read as `<`. */
const OPERATORS: [RegExp, Operator][] = [
  [/^(?:<=|≤|=<|⩽)/, '<='],
  [/^(?:>=|≥|⩾)/, '>='],
  [/^(?:==|=)(?![>=])/, '=='],
  [/^!=|^≠/, '!='],
  [/^<(?!-)/, '<'],
  [/^>/, '>'],
  [
    /^(?:at most|no more than|not more than|must not exceed|not exceed(?:ing)?|not above|max(?:imum)?|up to)\b/i,
    '<=',
  ],
  [/^(?:at least|no less than|not less than|not below|min(?:imum)?)\b/i, '>='],
  [/^(?:below|under|less than|lower than|fewer than|within|stays? below|stays? under)\b/i, '<'],
  [
    /^(?:above|over|exceeds?|exceeding|more than|greater than|higher than|rises above|goes above|spikes? (?:above|over|to)|reaches?|hits?)\b/i,
    '>',
  ],
];

/** Units as written → how the budget records them. */
const UNIT =
  /^(%|percent\b|ms\b|milliseconds?\b|msec\b|s\b|secs?\b|seconds?\b|min\b|mins\b|minutes?\b|m\b|h\b|hrs?\b|hours?\b|req\/s\b|rps\b|requests?\s*\/\s*s(?:ec(?:ond)?)?\b|requests?\s+per\s+second\b|[kmg]i?b\b|x\b)?/i;

export interface Condition {
  operator: Operator;
  value: number;
  /** The unit as written, normalised: '%', 'ms', 's', 'min', 'h', 'req/s', 'mb'… */
  unit?: string;
  /** As written: `< 0.1%`. */
  text: string;
  /** Whether the operator was written (a bare "0.1%" in a Target column is read by the metric's direction). */
  explicit: boolean;
}

function normaliseUnit(u: string | undefined): string | undefined {
  if (!u) return undefined;
  const l = u.toLowerCase().replace(/\s+/g, '');
  if (l === '%' || l === 'percent') return '%';
  if (/^(ms|milliseconds?|msec)$/.test(l)) return 'ms';
  if (/^(s|secs?|seconds?)$/.test(l)) return 's';
  if (/^(m|min|mins|minutes?)$/.test(l)) return 'min';
  if (/^(h|hrs?|hours?)$/.test(l)) return 'h';
  if (/^(req\/s|rps|requests?\/s(ec(ond)?)?|requestspersecond|requestpersecond)$/.test(l)) return 'req/s';
  if (l === 'x') return 'x';
  return l.toUpperCase().replace('IB', 'iB'); // KB, MB, GB, MiB…
}

/** `< 0.1%`, `≤ 200 ms`, `below 2 s`, `1,000 req/s`; a bare value when `bare` allows it. Undefined when unreadable. */
export function parseCondition(text: string, bare = false): Condition | undefined {
  let s = plainText(text)
    .replace(/^(?:target|goal|slo|threshold|limit|budget|expected|alert|warn(?:ing)?|critical)\s*:?\s*/i, '')
    .replace(/^(?:is|should be|must be|must stay|stays?|remains?|of)\s+/i, '')
    .trim();
  let operator: Operator | undefined;
  for (const [re, op] of OPERATORS) {
    const m = re.exec(s);
    if (m) {
      operator = op;
      s = s.slice(m[0].length).trim();
      break;
    }
  }
  if (!operator && !bare) return undefined;
  const num = /^(-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|-?\.\d+)\s*/.exec(s);
  if (!num) return undefined;
  const value = Number(num[1]!.replace(/,/g, ''));
  if (!Number.isFinite(value)) return undefined;
  const rest = s.slice(num[0].length);
  // `within 2% of baseline`, `10% above the previous release`: relative, not a value to compare with.
  if (/^(?:%|[a-z/]+)?\s*(?:of|than|vs\.?|versus|relative|compared|above|below|over|under)\b/i.test(rest))
    return undefined;
  const unit = normaliseUnit(UNIT.exec(rest)?.[1]);
  return {
    operator: operator ?? '<=',
    value,
    unit,
    text: plainText(text).trim(),
    explicit: operator !== undefined,
  };
}

/** The alert level a threshold line names: `→ CRITICAL`, `-> WARN`, `(page)`. */
export type Level = 'warn' | 'critical';
const LEVEL =
  /(?:→|->|=>|⇒|—|–|:|\(|\bthen\b)?\s*\b(WARN(?:ING)?|CRIT(?:ICAL)?|ALERT|PAGE|ROLL\s?BACK|SEV\s?[1-4]|P[1-4]|INFO)\b\)?\s*$/i;

export interface MetricStatement {
  /** The metric as written: `Response time p95`. */
  metric: string;
  name: string;
  /** A metric plans commonly name (error rate, latency, web vitals, CPU…), not just any words. */
  known: boolean;
  condition: Condition;
  /** WARN (advisory) or CRITICAL/ALERT/PAGE/ROLLBACK (blocking); absent when none is named. */
  level?: Level;
  /** Extra conditions on the same line: `Target < 0.1%, Alert > 0.5%` → the alert. */
  more: { label: string; condition: Condition }[];
}

const levelOf = (w: string): Level => (/^(warn|info)/i.test(w) ? 'warn' : 'critical');

/**
 * One line stating a metric's limit. `Error rate > 1% → CRITICAL`, `**Error Rate:** Target < 0.1%`,
 * `Error rate exceeds 5% for 10 minutes`. Undefined when the line states no readable limit.
 */
export function parseStatement(line: string): MetricStatement | undefined {
  let text = plainText(line);
  let level: Level | undefined;
  const lv = LEVEL.exec(text);
  if (lv && (lv[0].trim() !== lv[1] || lv[1] === lv[1]!.toUpperCase())) {
    level = levelOf(lv[1]!);
    text = text.slice(0, lv.index).trim();
  }
  // `Metric: Target < 0.1%, Alert > 0.5%`
  const colon = /^([^:<>=≤≥]{2,60}?):\s*(.+)$/.exec(text);
  if (colon && !/^(?:if|when)\b/i.test(colon[1]!)) {
    const parts = colon[2]!.split(/\s*[,;]\s*|\s+\|\s+/).filter(Boolean);
    const read = parts.map((p) => ({ label: labelOf(p), condition: parseCondition(p) }));
    const first = read.find((r) => r.condition);
    if (first?.condition) {
      const { name, known } = budgetName(colon[1]!);
      return {
        metric: colon[1]!.trim(),
        name,
        known,
        condition: first.condition,
        level: level ?? (first.label === 'target' ? undefined : levelFromLabel(first.label)),
        more: read
          .filter((r) => r !== first && r.condition)
          .map((r) => ({ label: r.label, condition: r.condition! })),
      };
    }
  }
  // `<metric> <operator> <value> …`
  const stripped = text.replace(/^(?:if|when)\s+/i, '');
  for (let i = 1; i < stripped.length; i++) {
    if (!/\s|[<>≤≥=]/.test(stripped[i - 1]!) && !/[<>≤≥]/.test(stripped[i]!)) continue;
    const cond = parseCondition(stripped.slice(i));
    if (!cond) continue;
    const metric = stripped
      .slice(0, i)
      .replace(/\s+(?:is|should be|must be|must stay|stays?|remains?|target|of)\s*$/i, '')
      .replace(/[\s:]+$/, '')
      .trim();
    if (!metric || metric.split(/\s+/).length > 8) return undefined;
    const { name, known } = budgetName(metric);
    return { metric, name, known, condition: cond, level, more: [] };
  }
  return undefined;
}

function labelOf(part: string): string {
  const m = /^(target|goal|slo|alert|warn(?:ing)?|critical|page|rollback)\b/i.exec(plainText(part));
  return m ? m[1]!.toLowerCase() : 'target';
}

function levelFromLabel(label: string): Level | undefined {
  if (/^(warn)/.test(label)) return 'warn';
  if (/^(alert|critical|page|rollback)/.test(label)) return 'critical';
  return undefined;
}

/** The operator whose truth is the other's falsehood: `> 1%` is bad ⇒ the budget is `<= 1%`. */
export function complement(op: Operator): Operator {
  return ({ '<': '>=', '<=': '>', '>': '<=', '>=': '<', '==': '!=', '!=': '==' } as const)[op];
}

/** The operator a bare target value gets: at least for availability-like metrics, at most otherwise. */
export function defaultOperator(name: string): Operator {
  return HIGHER_IS_BETTER.test(name) ? '>=' : '<=';
}

const MS: Record<string, number> = { ms: 1, s: 1000, min: 60_000, h: 3_600_000 };

/**
 * A budget from a name and a condition, its value converted: a percentage of a rate to a fraction
 * (`ratio`), of anything else kept in `%`; seconds, minutes and hours to milliseconds. Refused
 * (with why) when the model's rules would refuse it (a rate above 1, a negative duration).
 */
export function budgetOf(
  name: string,
  c: Pick<Condition, 'operator' | 'value' | 'unit'>,
): { budget: Budget } | { problem: string } {
  let value = c.value;
  let unit = c.unit;
  if (unit === '%') {
    if (isFractionBudget({ name, value })) {
      value = round(value / 100);
      unit = 'ratio';
    }
  } else if (unit && MS[unit] !== undefined) {
    value = round(value * MS[unit]!);
    unit = 'ms';
  }
  const budget: Budget = { name, operator: c.operator, value, ...(unit ? { unit } : {}) };
  const issues = budgetIssues([budget], []);
  if (issues.length) return { problem: issues.map((i) => i.message).join('; ') };
  return { budget };
}

/** Decimal noise of unit conversion removed (0.1 / 100 is 0.001, not 0.0010000000000000002). */
const round = (v: number) => Number(v.toPrecision(12));
