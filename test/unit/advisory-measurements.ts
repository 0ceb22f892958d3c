import { assessment, combine } from '../../src/checks/probes/assessment.ts';
import { assessHeaders } from '../../src/checks/probes/security-headers.ts';
import type { Measurement } from '../../src/model/measurement.ts';

/**
 * The measurements security/headers records for /login when every header is good but
 * Referrer-Policy, which `headerRules` holds as advisory: made by the check's own functions.
 */
export function advisoryHeaderMeasurements(): Measurement[] {
  const headers = new Headers({
    'content-security-policy': "default-src 'self'; frame-ancestors 'none'",
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
  });
  const rules = assessHeaders(headers, { https: false, policy: { 'Referrer-Policy': 'advisory' } });
  return combine('security headers', [['/login', assessment('headers', rules)]]).measurements;
}
