/**
 * The pure half of `npm run bench`: what a measure is, how its ratio meets or misses its goal,
 * how autocannon's own CLI reports a run, and the table and exit code the bench ends with.
 * A bench measures; it does not test: a missed goal still exits 0, and only a measure that could
 * not be taken (no runs, a failed run, unreadable output) makes it exit 1.
 */

export interface Goal {
  /** `a / b` must be `>=` or `<=` the value. */
  operator: '>=' | '<=';
  value: number;
}

/** One side of a comparison: each run's value, and their mean. */
export interface Side {
  label: string;
  unit: string;
  runs: number[];
  value: number | null;
}

export interface Measure {
  id: string;
  title: string;
  /** ratio = a.value ÷ b.value */
  a: Side;
  b: Side;
  goal: Goal;
  ratio: number | null;
  status: 'met' | 'missed' | 'unmeasured';
  /** Why it is unmeasured: every problem met while measuring. */
  problems: string[];
  /** Where the time went, run by run (for the report, not judged). */
  notes: string[];
}

/** One timed run and where its time went. */
export interface Timed {
  ms: number;
  note: string;
}

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const usable = (runs: readonly number[]) => runs.length > 0 && runs.every((r) => Number.isFinite(r) && r > 0);

export function side(label: string, unit: string, runs: readonly number[]): Side {
  return { label, unit, runs: [...runs], value: usable(runs) ? mean(runs) : null };
}

/** (max − min) ÷ mean of a side's runs: how far runs of the same thing drifted apart; null under 2 runs. */
export function spread(s: Side): number | null {
  if (s.runs.length < 2 || s.value === null) return null;
  return (Math.max(...s.runs) - Math.min(...s.runs)) / s.value;
}

/** Past this spread a side's runs disagree more than most goals' margins: the ratio is noise. */
export const NOISY_SPREAD = 0.2;

/** A warning when either side's runs spread past {@link NOISY_SPREAD}, else null. */
export function noiseWarning(m: Measure): string | null {
  const worst = Math.max(...[m.a, m.b].map((s) => spread(s) ?? 0));
  if (worst <= NOISY_SPREAD) return null;
  return (
    `noisy: runs of one side differ by ${Math.round(worst * 100)}% (max - min over mean); ` +
    'trust the ratio only when repeated: rerun on an idle machine or with more --rounds'
  );
}

export function meetsGoal(ratio: number, goal: Goal): boolean {
  return goal.operator === '>=' ? ratio >= goal.value : ratio <= goal.value;
}

/**
 * Builds a measure from both sides' runs. Any problem, a side without runs, or a run that is not
 * a positive number makes it `unmeasured`: a bench that measured nothing never reads as met.
 */
export function buildMeasure(o: {
  id: string;
  title: string;
  a: Side;
  b: Side;
  goal: Goal;
  problems?: readonly string[];
  notes?: readonly string[];
}): Measure {
  const problems = [...(o.problems ?? [])];
  for (const s of [o.a, o.b]) {
    if (s.runs.length === 0) problems.push(`${s.label}: no runs`);
    else if (s.value === null)
      problems.push(`${s.label}: a run gave ${s.runs.join(', ')} (not a positive number)`);
  }
  const ratio = problems.length === 0 && o.a.value !== null && o.b.value ? o.a.value / o.b.value : null;
  const status = ratio === null ? 'unmeasured' : meetsGoal(ratio, o.goal) ? 'met' : 'missed';
  return {
    id: o.id,
    title: o.title,
    a: o.a,
    b: o.b,
    goal: o.goal,
    ratio,
    status,
    problems,
    notes: [...(o.notes ?? [])],
  };
}

export interface CliRun {
  requests: number;
  durationSec: number;
  /** Completed requests per second over the run. */
  rps: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}

/** Reads `autocannon -j` output (its result object). Throws naming the field when it is not one. */
export function parseAutocannonJson(stdout: string): CliRun {
  let data: unknown;
  try {
    data = JSON.parse(stdout);
  } catch {
    throw new Error(`autocannon -j did not print JSON: ${stdout.trim().slice(0, 200) || '(nothing)'}`);
  }
  const o = (data ?? {}) as Record<string, unknown>;
  const num = (v: unknown, field: string) => {
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new Error(`autocannon -j output: ${field} is not a number`);
    return v;
  };
  const requests = num((o.requests as Record<string, unknown> | undefined)?.total, 'requests.total');
  const durationSec = num(o.duration, 'duration');
  if (durationSec <= 0) throw new Error('autocannon -j output: duration is not positive');
  return {
    requests,
    durationSec,
    rps: requests / durationSec,
    errors: num(o.errors, 'errors'),
    timeouts: num(o.timeouts, 'timeouts'),
    non2xx: num(o.non2xx, 'non2xx'),
  };
}

const fmt = (v: number | null, unit: string) => {
  if (v === null) return 'n/a';
  if (unit === 's') return `${v.toFixed(1)} s`;
  return `${Math.round(v).toLocaleString('en-US')} ${unit}`;
};

/** The bench's closing table: measure, value, goal, ratio, result. */
export function formatTable(measures: readonly Measure[]): string {
  const rows = [
    ['measure', 'value', 'goal', 'ratio', 'result'],
    ...measures.map((m) => [
      m.title,
      `${m.a.label} ${fmt(m.a.value, m.a.unit)} / ${m.b.label} ${fmt(m.b.value, m.b.unit)}`,
      `${m.goal.operator} ${m.goal.value.toFixed(2)}x`,
      m.ratio === null ? 'n/a' : `${m.ratio.toFixed(2)}x`,
      m.status === 'met' ? 'met' : m.status === 'missed' ? 'MISSED' : 'NOT MEASURED',
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [line(rows[0]!), rule, ...rows.slice(1).map(line)].join('\n');
}

/** 0 when every measure was taken (met or missed); 1 when none was, or any could not be. */
export function benchExitCode(measures: readonly Measure[]): number {
  return measures.length > 0 && measures.every((m) => m.status !== 'unmeasured') ? 0 : 1;
}
