import { createMasker } from '../../config/mask.ts';
import type { AccessibilityPolicy } from '../../model/declarations.ts';
import type { Measurement } from '../../model/measurement.ts';
import { readRunSession, sessionHeaders, sessionSecrets, type TargetSession } from '../auth/session.ts';
import { ObservationError } from '../authoring/errors.ts';
import type { TargetDeclaration } from '../authoring/target-context.ts';
import type { A11yPage, A11yViolation } from '../probes/accessibility.ts';
import { resolveHeaders } from '../probes/http-target.ts';
import { type BuiltinAssessment, type BuiltinFn, type BuiltinRun, REQUEST_TIMEOUT_MS } from './run.ts';

const WHAT = 'the accessibility check';

/** Selectors shown per violated rule in the message; the evidence keeps more. */
const SHOWN_SELECTORS = 2;

/**
 * What the browser carries: the target's `http.headers`, and with `signedIn` the run's session (a
 * form login's cookies in the browser's jar, a token or header login's header on every request).
 * No session when one is asked for is errored (ROLLGATE_NOT_SIGNED_IN), never an anonymous page.
 */
function browserIdentity(declaration: TargetDeclaration, run: BuiltinRun, signedIn: boolean) {
  const declared = resolveHeaders(declaration.http?.headers, run.env);
  const secrets = [...declared.secrets];
  if (!signedIn) return { headers: declared.headers, cookies: [], secrets };
  if (!run.sessionFile) {
    throw new ObservationError(
      declaration.auth
        ? `${WHAT} needs the signed-in session, and the sign-in failed (see auth/sign-in)`
        : `${WHAT} asks for the signed-in session (accessibility.signedIn), but this run has none: declare the target's auth so the gate signs in first`,
      'ROLLGATE_NOT_SIGNED_IN',
    );
  }
  const session: TargetSession = readRunSession(run.sessionFile, WHAT);
  secrets.push(...sessionSecrets(session));
  // A form login's Cookie header is its cookies again: the jar sends them, scoped as they were set.
  if (session.type === 'form' && session.cookies.length > 0)
    return { headers: declared.headers, cookies: session.cookies, secrets };
  return { headers: { ...declared.headers, ...sessionHeaders(session) }, cookies: [], secrets };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function selectors(v: A11yViolation): string {
  const shown = v.nodes.slice(0, SHOWN_SELECTORS).map((n) => n.target.join(' '));
  const more = v.nodeCount - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

/** Per page, each violated rule: id, impact, help text and where. */
function describePages(pages: readonly A11yPage[]): string[] {
  return pages.flatMap((p) => [
    // The rule ids on the page's own line: a HOLD's one-line reason names them all.
    `${p.path}: ${p.violations.length ? `${plural(p.violations.length, 'violation')} (${p.violations.map((v) => v.id).join(', ')})` : 'none'}`,
    ...p.violations.map((v) => `- ${v.id} (${v.impact}): ${v.help}: ${selectors(v)}`),
  ]);
}

const disabledLine = (policy: AccessibilityPolicy) =>
  `not counted (disabledRules): ${policy.disabledRules.map((d) => `${d.rule} (${d.reason})`).join('; ')}`;

/**
 * `a11y/wcag-aa`: each page of `accessibility.paths` loaded in one Chromium (signed in with
 * `signedIn`), waited for `load`, and checked with axe-core for the declared tags, the disabled
 * rules left out. Any violation, whatever its impact, fails, naming per page the rule, its impact,
 * its help and the elements; the evidence holds axe's violations per page. A page that does not
 * answer 2xx, does not load in time, or a browser that cannot start is errored.
 */
export const checkAccessibility: BuiltinFn = async (declaration, run): Promise<BuiltinAssessment> => {
  const policy = declaration.accessibility;
  if (!policy)
    throw new ObservationError(
      "the target declares no pages to check (accessibility: { paths: ['/'] })",
      'ROLLGATE_CONFIG',
    );
  const identity = browserIdentity(declaration, run, policy.signedIn);
  // Loaded when the check runs: Playwright and axe stay out of every other command's start-up.
  const { auditPages } = await import('../probes/accessibility.ts');
  const pages = await auditPages({
    baseURL: run.baseURL,
    paths: policy.paths,
    tags: policy.tags,
    disabledRules: policy.disabledRules.map((d) => d.rule),
    headers: identity.headers,
    cookies: identity.cookies,
    timeoutMs: run.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
    env: run.env,
    mask: createMasker(identity.secrets),
  });
  const total = pages.reduce((n, p) => n + p.violations.length, 0);
  const elements = pages.reduce((n, p) => n + p.violations.reduce((m, v) => m + v.nodeCount, 0), 0);
  const broken = pages.filter((p) => p.violations.length > 0).length;
  const passed = total === 0;
  const notes = [
    `${plural(elements, 'element')} on ${broken} of ${plural(pages.length, 'page')}`,
    ...(policy.disabledRules.length ? [disabledLine(policy)] : []),
  ];
  const measurement: Measurement = {
    name: 'a11y-violations',
    actual: total,
    operator: '==',
    expected: 0,
    samples: pages.length,
    passed,
    outcome: passed ? 'pass' : 'fail',
    note: notes.join('; '),
  };
  const subject = `accessibility (${policy.tags.join(', ')})`;
  return {
    subject,
    rules: [{ rule: 'a11y-violations', passed, seen: total, expected: 0 }],
    measurements: [measurement],
    evidence: pages.map((p) => ({
      name: `${p.path} axe results`,
      contentType: 'application/json',
      body: JSON.stringify({ tags: policy.tags, disabledRules: policy.disabledRules, ...p }, null, 2),
    })),
    ...(passed
      ? {}
      : {
          message: [
            `${subject}: ${plural(total, 'violation')} on ${broken} of ${plural(pages.length, 'page')}`,
            ...describePages(pages),
            ...(policy.disabledRules.length ? [disabledLine(policy)] : []),
          ].join('\n'),
        }),
  };
};
