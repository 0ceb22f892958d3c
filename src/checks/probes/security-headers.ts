import type { HeaderRule, RulePolicy } from '../../model/declarations.ts';
import { ABSENT, type Assessment, assessment, type RuleResult } from './assessment.ts';
import { firstHsts, frameOptions, nosniff, referrerPolicy, splitHeader } from './browser-headers.ts';
import { probe } from './http.ts';
import type { Requester } from './http-target.ts';

/**
 * Response security policy with the values published by the Mozilla HTTP Observatory and the
 * OWASP Secure Headers project. Pure functions over headers, so any suite (or a captured response)
 * can be assessed the same way.
 */

/** 180 days: the Observatory's minimum for HSTS to count. */
export const HSTS_MIN_MAX_AGE = 15_552_000;

/** Referrer policies that never send a path cross-origin nor anything over a downgrade. */
export const SAFE_REFERRER_POLICIES = [
  'no-referrer',
  'same-origin',
  'strict-origin',
  'strict-origin-when-cross-origin',
];
const KNOWN_REFERRER_POLICIES = new Set([
  ...SAFE_REFERRER_POLICIES,
  'no-referrer-when-downgrade',
  'origin',
  'origin-when-cross-origin',
  'unsafe-url',
]);

/** Script sources that let an attacker's script run: inline, eval, any host, any scheme, data:. */
const UNSAFE_SCRIPT_SOURCES = new Set(["'unsafe-inline'", "'unsafe-eval'", '*', 'http:', 'https:', 'data:']);

export type HeaderSource = Headers | Record<string, string | string[] | undefined>;

function getter(headers: HeaderSource): (name: string) => string | undefined {
  if (headers instanceof Headers) return (name) => headers.get(name) ?? undefined;
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return (name) => {
    const v = lower.get(name.toLowerCase());
    return Array.isArray(v) ? v.join(', ') : v;
  };
}

/** One policy's directives, by lower-case name; the first occurrence wins, as browsers do. */
export function parseCsp(policy: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name && !directives.has(name.toLowerCase()))
      directives.set(
        name.toLowerCase(),
        sources.map((s) => s.toLowerCase()),
      );
  }
  return directives;
}

/**
 * Unsafe sources of one policy's effective script-src; 'unsafe-inline' is ignored beside a nonce
 * or hash, and sources the policy allows (`allowed`, lower-case) no longer count.
 */
function unsafeScriptSources(
  policy: Map<string, string[]>,
  allowed: ReadonlySet<string> = new Set(),
): string[] | undefined {
  const sources = policy.get('script-src') ?? policy.get('default-src');
  if (!sources) return undefined;
  const nonceOrHash = sources.some((s) => /^'(nonce|sha256|sha384|sha512)-/.test(s));
  return sources.filter(
    (s) => UNSAFE_SCRIPT_SOURCES.has(s) && !allowed.has(s) && !(nonceOrHash && s === "'unsafe-inline'"),
  );
}

function assessCsp(csp: string | undefined, allowed: ReadonlySet<string> = new Set()): RuleResult[] {
  const expected =
    "script-src (or default-src) without 'unsafe-inline', 'unsafe-eval', *, http:, https: or data:";
  if (!csp) {
    return [{ rule: 'Content-Security-Policy', passed: false, seen: ABSENT, expected }];
  }
  // Several policies (comma-joined headers) all apply: a script runs only if every one allows it.
  const verdicts = csp.split(',').map((p) => unsafeScriptSources(parseCsp(p), allowed));
  const safe = verdicts.some((v) => v !== undefined && v.length === 0);
  const unsafe = [...new Set(verdicts.flatMap((v) => v ?? []))];
  const seen = unsafe.length > 0 ? `script sources ${unsafe.join(' ')}` : 'no script-src or default-src';
  return [
    { rule: 'Content-Security-Policy', passed: safe, seen: safe ? 'restricts scripts' : seen, expected },
  ];
}

function frameAncestors(csp: string | undefined): string | undefined {
  for (const p of (csp ?? '').split(',')) {
    const fa = parseCsp(p).get('frame-ancestors');
    if (fa && fa.length > 0 && !fa.includes('*')) return `frame-ancestors ${fa.join(' ')}`;
  }
  return undefined;
}

function hstsMaxAge(value: string): number | undefined {
  const m = /(?:^|;)\s*max-age\s*=\s*"?(\d+)"?\s*(?:;|$)/i.exec(value);
  return m ? Number(m[1]) : undefined;
}

/**
 * Assesses a response's security headers; one rule result per header. HSTS is declared not
 * applicable on a plain-HTTP target, since browsers ignore it there.
 * @example assessHeaders(res.headers, { https: false }).filter((r) => !r.passed && !r.notApplicable)
 */
export function assessHeaders(
  headers: HeaderSource,
  options: { https: boolean; policy?: HeaderPolicy },
): RuleResult[] {
  const policy = options.policy ?? {};
  const get = getter(headers);
  const rules: RuleResult[] = [];

  const hsts = get('strict-transport-security');
  const hstsRule = {
    rule: 'Strict-Transport-Security max-age',
    operator: '>=' as const,
    expected: HSTS_MIN_MAX_AGE,
  };
  if (!options.https) {
    rules.push({
      ...hstsRule,
      passed: true,
      seen: hsts ?? ABSENT,
      notApplicable: 'HSTS applies to HTTPS targets only; this target is plain HTTP',
    });
  } else {
    // Repeated headers: browsers process the first one only.
    const first = firstHsts(splitHeader(hsts));
    const maxAge = first.value === undefined ? undefined : hstsMaxAge(first.value);
    const why = [first.reason, first.value !== undefined && maxAge === undefined ? 'no max-age' : undefined];
    const reason = why.filter(Boolean).join('; ');
    rules.push({
      ...hstsRule,
      passed: maxAge !== undefined && maxAge >= HSTS_MIN_MAX_AGE,
      seen: maxAge ?? (hsts === undefined ? ABSENT : `"${hsts}"`),
      ...(reason ? { reason } : {}),
    });
  }

  const csp = get('content-security-policy');
  const cspPolicy = policy['Content-Security-Policy'];
  const cspAllowed = new Set(
    typeof cspPolicy === 'object' ? cspPolicy.allow.map((s) => s.toLowerCase()) : [],
  );
  rules.push(...assessCsp(csp, cspAllowed));

  // Repeated headers are judged as browsers judge the joined list (./browser-headers.ts).
  const xfo = get('x-frame-options')?.trim();
  const ancestors = frameAncestors(csp);
  const framing = frameOptions(splitHeader(xfo));
  const xfoOk = framing.effective === 'deny' || framing.effective === 'sameorigin';
  rules.push({
    rule: 'X-Frame-Options',
    passed: xfoOk || ancestors !== undefined,
    seen: xfoOk || !ancestors ? (xfo ?? ABSENT) : ancestors,
    expected: 'DENY or SAMEORIGIN, or CSP frame-ancestors',
    ...(framing.reason && !ancestors ? { reason: framing.reason } : {}),
  });

  const xcto = get('x-content-type-options')?.trim();
  const sniff = nosniff(splitHeader(xcto));
  rules.push({
    rule: 'X-Content-Type-Options',
    passed: sniff.on,
    seen: xcto ?? ABSENT,
    expected: 'nosniff',
    ...(sniff.reason ? { reason: sniff.reason } : {}),
  });

  const rp = get('referrer-policy');
  const referrer = referrerPolicy(splitHeader(rp), KNOWN_REFERRER_POLICIES);
  rules.push({
    rule: 'Referrer-Policy',
    passed: referrer.effective !== undefined && SAFE_REFERRER_POLICIES.includes(referrer.effective),
    seen: rp ?? ABSENT,
    expected: `one of ${SAFE_REFERRER_POLICIES.join(', ')}`,
    ...(referrer.reason ? { reason: referrer.reason } : {}),
  });
  return rules.map((r) => applyRulePolicy(r, policy));
}

/** How a target holds each header rule (`security.headerRules`); a rule left out is `required`. */
export type HeaderPolicy = Partial<Record<HeaderRule, RulePolicy>>;

/** Which header rule of the policy a rule result belongs to (`Strict-Transport-Security max-age` → HSTS). */
function policyRuleOf(rule: string): HeaderRule | undefined {
  const names: HeaderRule[] = [
    'Content-Security-Policy',
    'X-Frame-Options',
    'X-Content-Type-Options',
    'Referrer-Policy',
    'Strict-Transport-Security',
  ];
  return names.find((n) => rule === n || rule.startsWith(`${n} `));
}

/** Prefix of the reason of a rule the policy holds as advisory: reported, never failing. */
export const ADVISORY = 'advisory';

/**
 * A rule result under the target's policy. `required`: as assessed. `advisory`: a broken rule is
 * reported (its reason says advisory) but passes. `{ allow, reason }`: a broken rule whose value is
 * one of the allowed values passes (for CSP the allowed script sources were already taken out of
 * the unsafe ones), and the reason is on record either way.
 */
export function applyRulePolicy(r: RuleResult, policy: HeaderPolicy): RuleResult {
  const name = policyRuleOf(r.rule);
  const p = name ? policy[name] : undefined;
  if (!p || p === 'required' || r.notApplicable) return r;
  const own = r.reason ? `; ${r.reason}` : '';
  if (p === 'advisory') {
    if (r.passed) return r;
    const op = r.operator && r.operator !== '==' ? `${r.operator} ` : '';
    return {
      ...r,
      passed: true,
      reason: `${ADVISORY}: expected ${op}${r.expected}${own}; reported, does not fail the check (security.headerRules)`,
    };
  }
  const allowed = p.allow.map((v) => v.toLowerCase());
  const accepted = !r.passed && allowed.includes(String(r.seen).trim().toLowerCase());
  const note = `allowed by policy: ${p.allow.join(' ')} (${p.reason})`;
  return { ...r, passed: r.passed || accepted, reason: `${note}${own}` };
}

/** The rules of an assessment the policy holds as advisory and that are broken: listed in evidence. */
export function advisoryRules(rules: readonly RuleResult[]): RuleResult[] {
  return rules.filter((r) => r.reason?.startsWith(`${ADVISORY}:`));
}

/**
 * Renders headers for evidence, one per line. Cookie values are withheld: a session id in a
 * report would be a live credential.
 */
export function headerDump(status: number, url: string, headers: Headers): string {
  const lines: string[] = [];
  headers.forEach((v, k) => {
    if (k !== 'set-cookie') lines.push(`${k}: ${v}`);
  });
  const cookies = headers
    .getSetCookie()
    .map((c) => `set-cookie: ${c.replace(/^([^=;]*)=[^;]*/, '$1=<withheld>')}`);
  return [`${status} ${url}`, ...lines, ...cookies].join('\n');
}

/** GETs `url` and assesses its security headers; HTTPS-only rules follow the URL's scheme. */
export async function checkSecurityHeaders(
  url: string,
  options: { request?: Requester; timeoutMs?: number; policy?: HeaderPolicy } = {},
): Promise<Assessment> {
  const res = await (options.request ?? probe)(url, { timeoutMs: options.timeoutMs ?? 10_000 });
  const rules = assessHeaders(res.headers, { https: url.startsWith('https:'), policy: options.policy });
  const evidence = [
    { name: 'response headers', contentType: 'text/plain', body: headerDump(res.status, url, res.headers) },
  ];
  const advisory = advisoryRules(rules);
  if (advisory.length)
    evidence.push({
      name: 'advisory',
      contentType: 'text/plain',
      body: advisory.map((r) => `${r.rule}: seen ${r.seen}; ${r.reason}`).join('\n'),
    });
  return assessment(`security headers of ${url}`, rules, evidence);
}
