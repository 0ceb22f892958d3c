import { readFileSync } from 'node:fs';
import path from 'node:path';
import { rootCertificates } from 'node:tls';
import { ObservationError } from '../authoring/errors.ts';
import type { TargetDeclaration } from '../authoring/target-context.ts';
import { type RuleResult, ruleMeasurement } from '../probes/assessment.ts';
import { bareHost, isLoopback, judgeTls, observeTls } from '../probes/tls.ts';
import { timeoutOf } from './policy.ts';
import type { BuiltinAssessment, BuiltinRun } from './run.ts';

export const LOOPBACK_HTTP =
  'plain HTTP on loopback from an app rollgate started (a stand-in): TLS is judged where the target is HTTPS';

/** The CAs trusted: node's bundled roots, plus the target's `http.caFile` (from the project root). */
function trustedCas(declaration: TargetDeclaration, root: string): { ca: string[]; label: string } {
  const caFile = declaration.http?.caFile;
  if (!caFile) return { ca: [...rootCertificates], label: 'the system CAs' };
  const file = path.resolve(root, caFile);
  try {
    return { ca: [...rootCertificates, readFileSync(file, 'utf8')], label: `the system CAs and ${caFile}` };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ObservationError(
      `cannot read the target's CA bundle ${caFile} (${code})`,
      'ROLLGATE_CA_BUNDLE',
    );
  }
}

/** What to do instead of plain HTTP, for the failure message. */
function httpsAdvice(declaration: TargetDeclaration): string {
  if (declaration.tls?.url) return 'tls.url must be an https URL: the address whose certificate to judge';
  return 'judge an HTTPS target, or declare tls.url with the https address whose certificate to judge (only the loopback address of an app rollgate starts itself is skipped as a stand-in)';
}

/**
 * `security/tls`: the certificate at `tls.url` (else the run's base URL) verifies against the system
 * CAs and `http.caFile`, names the host, is in its validity period and has `minDaysLeft` days left.
 * Plain HTTP is not applicable (skipped) only at the loopback address of an app rollgate started
 * itself (`run.embedded`, no `tls.url`): a stand-in. A plain-HTTP `tls.url`, or a plain-HTTP base
 * URL given to rollgate (loopback or not: a port-forward to production is on localhost too), fails:
 * no certificate was observed. "Now" is this machine's clock.
 */
export async function checkTls(declaration: TargetDeclaration, run: BuiltinRun): Promise<BuiltinAssessment> {
  const policy = declaration.tls;
  if (!policy) throw new ObservationError('the target declares no tls', 'ROLLGATE_CONFIG');
  const address = policy.url ?? run.baseURL;
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new ObservationError(`tls: "${address}" is not a URL`, 'ROLLGATE_CONFIG');
  }
  if (url.protocol === 'http:') {
    if (run.embedded && !policy.url && isLoopback(url.hostname))
      return {
        subject: `TLS of ${url.origin}`,
        rules: [
          { rule: url.origin, passed: true, seen: 'http', expected: 'https', notApplicable: LOOPBACK_HTTP },
        ],
        measurements: [],
        evidence: [],
      };
    const scheme: RuleResult = { rule: 'TLS scheme', passed: false, seen: 'http', expected: 'https' };
    return {
      subject: `TLS of ${url.origin}`,
      rules: [scheme],
      measurements: [ruleMeasurement(scheme)],
      evidence: [],
      message: `${url.origin} is served over plain HTTP: no certificate to judge; ${httpsAdvice(declaration)}`,
    };
  }
  if (url.protocol !== 'https:')
    throw new ObservationError(
      `tls: ${url.protocol} is neither https: nor http: (${address})`,
      'ROLLGATE_CONFIG',
    );
  const { ca, label } = trustedCas(declaration, run.root);
  const host = bareHost(url.hostname);
  const seen = await observeTls(host, Number(url.port || 443), { ca, ...timeoutOf(run) });
  const { facts: _facts, ...judged } = judgeTls(seen, {
    minDaysLeft: policy.minDaysLeft,
    now: new Date(),
    trusted: ca,
    trustedLabel: label,
  });
  return judged;
}
