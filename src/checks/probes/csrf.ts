import { ObservationError } from '../authoring/errors.ts';
import { type Assessment, assessment, type RuleResult } from './assessment.ts';
import { FormSession, type LoginSpec } from './form-session.ts';
import type { Requester } from './http-target.ts';

/** A state-changing endpoint whose success changes nothing that matters, and where its token is found. */
export interface CsrfProbeSpec {
  /** Endpoint the probe POSTs to. @example '/api/preferences/noop' */
  path: string;
  /** A page (for a logged-in user) whose forms carry the session's token. @example '/estimates' */
  tokenPage: string;
  /** @example '_csrf' */
  tokenField?: string;
  /** Form fields sent with both requests. */
  form?: Record<string, string>;
  login: LoginSpec;
}

/** Statuses that mean "refused for a missing token". */
export const CSRF_REFUSALS = [400, 403, 422];

/**
 * With a valid session, POSTs to the probe endpoint without a token (must be refused: 400, 403 or
 * 422), then with the session's token (the control: must succeed). A control that fails means the
 * refusal proves nothing, so the check errors instead of passing.
 */
export async function checkCsrf(
  baseURL: string,
  spec: CsrfProbeSpec,
  options: { request?: Requester; timeoutMs?: number } = {},
): Promise<Assessment> {
  const session = new FormSession(baseURL, options.request, options.timeoutMs);
  await session.login(spec.login);
  const field = spec.tokenField ?? '_csrf';
  const token = await session.field(spec.tokenPage, field);
  if (!token) {
    throw new ObservationError(
      `no ${field} token on ${baseURL}${spec.tokenPage} for the logged-in user`,
      'ROLLGATE_NO_TOKEN',
    );
  }
  const without = await session.send(spec.path, { form: { ...spec.form } });
  const control = await session.send(spec.path, { form: { ...spec.form, [field]: token } });
  const evidence = [
    {
      name: 'csrf probe',
      contentType: 'text/plain',
      body: [
        `POST ${spec.path} without ${field} -> ${without.status}\n${without.body.slice(0, 500)}`,
        `POST ${spec.path} with the session's ${field} -> ${control.status}\n${control.body.slice(0, 500)}`,
      ].join('\n\n'),
    },
  ];
  if (control.status >= 400) {
    throw new ObservationError(
      `CSRF probe inconclusive: POST ${spec.path} with a valid token answered ${control.status}, so a refusal without one proves nothing`,
      'ROLLGATE_INCONCLUSIVE',
    );
  }
  const rules: RuleResult[] = [
    {
      rule: `POST ${spec.path} without ${field}`,
      passed: CSRF_REFUSALS.includes(without.status),
      seen: without.status,
      expected: `refused: ${CSRF_REFUSALS.join(', ')}`,
    },
    {
      rule: `POST ${spec.path} with ${field} (control)`,
      passed: true,
      seen: control.status,
      operator: '<',
      expected: 400,
    },
  ];
  return assessment(`CSRF protection of POST ${baseURL}${spec.path}`, rules, evidence);
}
