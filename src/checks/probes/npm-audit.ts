import { z } from 'zod';
import type { Measurement } from '../../model/measurement.ts';
import { ObservationError } from '../authoring/errors.ts';
import type { RuleResult } from './assessment.ts';
import { describeIssues } from './health.ts';

/** npm's severities, worst first: the order a budget is judged and reported in. */
export const SEVERITIES = ['critical', 'high', 'moderate', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];
const Severity = z.enum(SEVERITIES);

const count = z.number().int().min(0);

/** One advisory as `via` carries it (a string there names another vulnerable package instead). */
const Advisory = z.looseObject({
  source: z.number().optional(),
  name: z.string(),
  title: z.string(),
  url: z.string(),
  severity: Severity,
  range: z.string().optional(),
});

/** `fixAvailable`: true, false, or the package whose update fixes it. */
const FixAvailable = z.union([
  z.boolean(),
  z.looseObject({ name: z.string(), version: z.string(), isSemVerMajor: z.boolean().optional() }),
]);

const Vulnerability = z.looseObject({
  name: z.string(),
  severity: Severity,
  isDirect: z.boolean().optional(),
  via: z.array(z.union([z.string(), Advisory])),
  effects: z.array(z.string()).optional(),
  range: z.string().optional(),
  nodes: z.array(z.string()).optional(),
  fixAvailable: FixAvailable.optional(),
});

/** What `npm audit --json` prints with npm 7 and later (audit report version 2). */
export const NpmAuditReport = z.looseObject({
  auditReportVersion: z.literal(2),
  vulnerabilities: z.record(z.string(), Vulnerability),
  metadata: z.looseObject({
    vulnerabilities: z.looseObject({
      info: count,
      low: count,
      moderate: count,
      high: count,
      critical: count,
      total: count,
    }),
  }),
});
export type NpmAuditReport = z.infer<typeof NpmAuditReport>;

export const NOT_A_REPORT = 'not an npm audit --json report (v2)';
/** How the message of an npm error JSON starts: npm's own reason follows. */
export const NPM_FAILED = 'npm audit failed';

/** npm's own words from an error JSON (`{ error: { code, summary, detail } }`, a `message` beside it). */
function npmError(doc: Record<string, unknown>): string {
  const e = (doc.error ?? {}) as Record<string, unknown>;
  const words = [e.summary, doc.message, e.detail]
    .filter((w): w is string => typeof w === 'string' && w.trim() !== '')
    .map((w) => w.trim().replace(/\s+/g, ' '));
  const text = [...new Set(words)].join(' ') || 'no reason given';
  return typeof e.code === 'string' && e.code ? `${e.code}: ${text}` : text;
}

/**
 * Reads what `npm audit --json` printed (`what` names where it came from). An npm error JSON, text
 * that is not JSON, a v1 report (npm 6) or any other shape cannot be judged: ObservationError, so
 * the check is errored, never passed.
 */
export function parseNpmAudit(text: string, what: string): NpmAuditReport {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    const seen = text.trim() ? `"${text.trim().slice(0, 120).replace(/\s+/g, ' ')}"` : 'nothing';
    throw new ObservationError(`${NOT_A_REPORT}: ${what} is not JSON (${seen})`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw new ObservationError(`${NOT_A_REPORT}: ${what} is JSON but not an object`);
  const obj = doc as Record<string, unknown>;
  if ('error' in obj && !('auditReportVersion' in obj))
    throw new ObservationError(
      `${NPM_FAILED} (${what}): ${npmError(obj)}; where the registry does not answer audits, record \`npm audit --json --omit=dev\` where it does and name the file in audit.report`,
    );
  if (!('auditReportVersion' in obj) && 'advisories' in obj)
    throw new ObservationError(
      `${NOT_A_REPORT}: ${what} is an npm 6 report (v1: advisories, actions); record it again with npm 7 or later`,
    );
  const parsed = NpmAuditReport.safeParse(doc);
  if (!parsed.success)
    throw new ObservationError(`${NOT_A_REPORT}: ${what}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** One vulnerable package as a reviewer reads it. */
export interface VulnerablePackage {
  name: string;
  severity: Severity;
  isDirect: boolean;
  range?: string;
  /** `true`, `false`, or `name@version` (the update that fixes it), ` (semver major)` when it is one. */
  fixAvailable: boolean | string;
  /** The advisories behind it: its own, or those of the packages it is vulnerable through. */
  advisories: { title: string; url: string; severity: Severity; package: string }[];
  /** The vulnerable packages it depends on, when it is vulnerable through them. */
  via: string[];
}

/** Every package of the report with the advisories behind it (followed through `via` names). */
export function vulnerablePackages(report: NpmAuditReport): VulnerablePackage[] {
  const all = report.vulnerabilities;
  const advisoriesOf = (name: string, seen: Set<string>): VulnerablePackage['advisories'] => {
    if (seen.has(name)) return [];
    seen.add(name);
    return (all[name]?.via ?? []).flatMap((v) =>
      typeof v === 'string'
        ? advisoriesOf(v, seen)
        : [{ title: v.title, url: v.url, severity: v.severity, package: v.name }],
    );
  };
  const rank = (s: Severity) => SEVERITIES.indexOf(s);
  return Object.entries(all)
    .map(([key, v]) => {
      const unique = new Map(advisoriesOf(key, new Set()).map((a) => [a.url, a]));
      const fix = v.fixAvailable ?? false;
      return {
        name: v.name,
        severity: v.severity,
        isDirect: v.isDirect ?? false,
        ...(v.range ? { range: v.range } : {}),
        fixAvailable:
          typeof fix === 'boolean'
            ? fix
            : `${fix.name}@${fix.version}${fix.isSemVerMajor ? ' (semver major)' : ''}`,
        advisories: [...unique.values()],
        via: v.via.filter((x): x is string => typeof x === 'string'),
      };
    })
    .sort((a, b) => rank(a.severity) - rank(b.severity) || a.name.localeCompare(b.name));
}

/** Vulnerable packages per severity: npm's own count, or the packages listed if more (fail closed). */
export function severityCounts(report: NpmAuditReport): Record<Severity, number> {
  const listed = Object.values(report.vulnerabilities);
  return Object.fromEntries(
    SEVERITIES.map((s) => [
      s,
      Math.max(report.metadata.vulnerabilities[s], listed.filter((v) => v.severity === s).length),
    ]),
  ) as Record<Severity, number>;
}

export interface AuditJudgement {
  counts: Record<Severity, number>;
  packages: VulnerablePackage[];
  /** The budgeted severities with more packages than allowed, worst first. */
  over: Severity[];
  rules: RuleResult[];
  /** `audit-<severity>`, one per budgeted severity: packages `<=` budget. */
  measurements: Measurement[];
}

/**
 * Judges a report against a budget of vulnerable packages per severity; a severity the budget does
 * not name is unlimited (reported, never failing). `note` goes on each measurement (where the
 * report came from).
 */
export function judgeAudit(
  report: NpmAuditReport,
  budget: Partial<Record<Severity, number>>,
  note?: string,
): AuditJudgement {
  const counts = severityCounts(report);
  const budgeted = SEVERITIES.filter((s) => budget[s] !== undefined);
  const rules: RuleResult[] = budgeted.map((s) => ({
    rule: `audit-${s}`,
    passed: counts[s] <= budget[s]!,
    seen: counts[s],
    expected: budget[s]!,
    operator: '<=',
  }));
  const measurements: Measurement[] = rules.map((r) => ({
    name: r.rule,
    actual: r.seen,
    operator: '<=',
    expected: r.expected,
    unit: 'packages',
    samples: 1,
    passed: r.passed,
    outcome: r.passed ? 'pass' : 'fail',
    ...(note ? { note } : {}),
  }));
  return {
    counts,
    packages: vulnerablePackages(report),
    over: budgeted.filter((s) => counts[s] > budget[s]!),
    rules,
    measurements,
  };
}

/** One line per package of the over-budget severities: name, range, its advisories and the fix. */
export function describeOffenders(j: AuditJudgement): string[] {
  return j.packages
    .filter((p) => j.over.includes(p.severity))
    .map((p) => {
      const why = p.advisories.length
        ? p.advisories
            .map((a) => `${a.title} ${a.url}${a.package === p.name ? '' : ` (in ${a.package})`}`)
            .join('; ')
        : `via ${p.via.join(', ') || 'no advisory listed'}`;
      const fix =
        p.fixAvailable === false
          ? 'no fix available'
          : p.fixAvailable === true
            ? 'fix available'
            : `fix available: ${p.fixAvailable}`;
      const range = p.range ? ` ${p.range}` : '';
      return `- ${p.severity} ${p.name}${range}${p.isDirect ? ' (direct)' : ''}: ${why}; ${fix}`;
    });
}
