import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { checkServerIdentity, connect, type DetailedPeerCertificate, type PeerCertificate } from 'node:tls';
import type { Measurement } from '../../model/measurement.ts';
import { ObservationError } from '../authoring/errors.ts';
import { type Assessment, type RuleResult, ruleMeasurement } from './assessment.ts';

const DAY_MS = 86_400_000;

/** OpenSSL's verdicts on dates alone: the validity rule judges those, the chain rule the rest. */
const DATE_ERRORS = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

/** What a TLS handshake showed: the server's certificate chain and OpenSSL's verdict on it. */
export interface TlsObservation {
  host: string;
  port: number;
  /** The SNI name sent; none for an IP address. */
  servername?: string;
  /** `TLSv1.3`… */
  protocol: string | null;
  /** The leaf, its `issuerCertificate` links up the chain as far as it goes. */
  certificate: DetailedPeerCertificate;
  /** OpenSSL's verification error (`CERT_HAS_EXPIRED`, `DEPTH_ZERO_SELF_SIGNED_CERT`…), if any. */
  authorizationError?: string;
}

/** `[::1]` → `::1`: URL host names keep IPv6 brackets, sockets do not. */
export const bareHost = (hostname: string) => hostname.replace(/^\[(.*)\]$/, '$1');

/** 127.0.0.0/8, ::1 and localhost: a machine talking to itself. */
export function isLoopback(hostname: string): boolean {
  const h = bareHost(hostname).toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/**
 * Connects to `host:port`, completes a TLS handshake (SNI = the host unless it is an IP) and returns
 * the certificate chain and OpenSSL's verdict on it against `ca` (node's bundled roots when not
 * given). Nothing is rejected here: the caller judges. A refused connection, an unknown host, a
 * time-out or a failed handshake cannot show a certificate: ObservationError (errored).
 */
export function observeTls(
  host: string,
  port: number,
  o: { ca?: readonly string[]; timeoutMs?: number } = {},
): Promise<TlsObservation> {
  const timeoutMs = o.timeoutMs ?? 10_000;
  const servername = isIP(host) ? undefined : host;
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  return new Promise<TlsObservation>((resolve, reject) => {
    const socket = connect({
      host,
      port,
      ...(servername ? { servername } : {}),
      ...(o.ca ? { ca: [...o.ca] } : {}),
      rejectUnauthorized: false,
      // The name is judged on its own (checkTlsCertificate), so OpenSSL's error is about the chain.
      checkServerIdentity: () => undefined,
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new ObservationError(
          `no TLS handshake with ${where} within ${timeoutMs} ms (timeout)`,
          'ROLLGATE_TIMEOUT',
        ),
      );
    }, timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const certificate = socket.getPeerCertificate(true);
      const error = socket.authorizationError as unknown as string | Error | null;
      const protocol = socket.getProtocol();
      socket.destroy();
      if (!certificate?.raw) {
        reject(
          new ObservationError(`${where} completed a TLS handshake without a certificate`, 'ROLLGATE_HTTP'),
        );
        return;
      }
      resolve({
        host,
        port,
        ...(servername ? { servername } : {}),
        protocol,
        certificate,
        ...(error ? { authorizationError: typeof error === 'string' ? error : error.message } : {}),
      });
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      if (error.code === 'ECONNREFUSED')
        reject(
          new ObservationError(
            `target unreachable: connection refused at ${where}`,
            'ROLLGATE_TARGET_UNREACHABLE',
          ),
        );
      else if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN')
        reject(
          new ObservationError(`target unreachable: host not found: ${host}`, 'ROLLGATE_TARGET_UNREACHABLE'),
        );
      else
        reject(
          new ObservationError(
            `TLS handshake with ${where} failed: ${error.code ? `${error.code} ` : ''}${error.message}`,
            'ROLLGATE_HTTP',
          ),
        );
    });
  });
}

/** `CN=api.example.com, O=Example` from a certificate's subject or issuer. */
function dn(x509Name: string): string {
  return x509Name.split('\n').filter(Boolean).join(', ');
}

/** The chain as the server presented it, leaf first (each certificate once). */
function chainOf(leaf: PeerCertificate | DetailedPeerCertificate): DetailedPeerCertificate[] {
  const out: DetailedPeerCertificate[] = [];
  const seen = new Set<string>();
  let c: DetailedPeerCertificate | undefined = leaf as DetailedPeerCertificate;
  while (c?.raw && !seen.has(c.fingerprint256)) {
    seen.add(c.fingerprint256);
    out.push(c);
    c = c.issuerCertificate;
  }
  return out;
}

/**
 * Whether the chain leads to a trusted certificate by signatures alone, dates left out: the
 * second opinion when OpenSSL's only complaint was a date, since it reports one error and a date
 * error can hide an untrusted issuer.
 */
export function chainTrusted(leaf: DetailedPeerCertificate, trusted: readonly string[]): boolean {
  const anchors = trusted.flatMap((pem) => pemCertificates(pem));
  const fingerprints = new Set(anchors.map((a) => a.fingerprint256));
  const chain = chainOf(leaf).map((c) => new X509Certificate(c.raw));
  for (let i = 0; i < chain.length; i += 1) {
    const x = chain[i]!;
    if (fingerprints.has(x.fingerprint256)) return true;
    if (anchors.some((a) => x.checkIssued(a) && x.verify(a.publicKey))) return true;
    const issuer = chain[i + 1];
    if (!issuer || !x.checkIssued(issuer) || !x.verify(issuer.publicKey)) return false;
  }
  return false;
}

/** Every certificate of a PEM bundle. */
function pemCertificates(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.flatMap((b) => {
    try {
      return [new X509Certificate(b)];
    } catch {
      return [];
    }
  });
}

/** The public facts of a certificate, kept as evidence (no key material beyond the public certificate's). */
export interface CertificateFacts {
  subject: string;
  issuer: string;
  subjectAltNames: string[];
  validFrom: string;
  validTo: string;
  fingerprint256: string;
  serialNumber: string;
  /** Whole days from now to validTo, rounded down (negative once expired). */
  daysLeft: number;
}

export function certificateFacts(cert: DetailedPeerCertificate, now: Date): CertificateFacts {
  const x = new X509Certificate(cert.raw);
  const validTo = new Date(x.validTo);
  return {
    subject: dn(x.subject),
    issuer: dn(x.issuer),
    subjectAltNames: (x.subjectAltName ?? '').split(/,\s*/).filter(Boolean),
    validFrom: new Date(x.validFrom).toISOString(),
    validTo: validTo.toISOString(),
    fingerprint256: x.fingerprint256,
    serialNumber: x.serialNumber,
    daysLeft: Math.floor((validTo.getTime() - now.getTime()) / DAY_MS),
  };
}

export const DAYS_LEFT = 'tls-days-left';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export interface TlsJudgement extends Assessment {
  /** Every problem in one line, the certificate named; absent when it passes. */
  message?: string;
  facts: CertificateFacts;
}

/**
 * Judges a handshake: the chain verifies against `trusted` (a date-only OpenSSL error is checked
 * again by signatures), the certificate names `host`, `now` lies in its validity period, and it
 * has `minDaysLeft` days or more to run. Rules `TLS chain`, `TLS name`, `TLS validity` and the
 * measurement `tls-days-left` (days, `>=` minDaysLeft); the evidence is the certificate's facts.
 */
export function judgeTls(
  seen: TlsObservation,
  o: { minDaysLeft: number; now: Date; trusted: readonly string[]; trustedLabel: string },
): TlsJudgement {
  const cert = seen.certificate;
  const facts = certificateFacts(cert, o.now);
  const where = `${seen.host.includes(':') ? `[${seen.host}]` : seen.host}:${seen.port}`;
  const problems: string[] = [];

  const error = seen.authorizationError;
  const notBefore = Date.parse(facts.validFrom);
  const notAfter = Date.parse(facts.validTo);
  const leafInDates = notBefore <= o.now.getTime() && o.now.getTime() <= notAfter;
  // A date error while the leaf is in its dates is an intermediate's: that is the chain's problem.
  const chainOk = !error || (DATE_ERRORS.has(error) && !leafInDates && chainTrusted(cert, o.trusted));
  const chainSeen = chainOk
    ? 'verifies'
    : error && !DATE_ERRORS.has(error)
      ? error
      : error && leafInDates
        ? `${error} (a certificate above the leaf)`
        : 'no path to a trusted CA';
  if (!chainOk) problems.push(`untrusted: chain does not verify against ${o.trustedLabel} (${chainSeen})`);

  const mismatch = checkServerIdentity(seen.host, cert);
  const names = facts.subjectAltNames.join(', ') || `${facts.subject} (no subjectAltName)`;
  if (mismatch) problems.push(`wrong host: the certificate names ${names}, not ${seen.host}`);

  let validity = 'in its validity period';
  if (o.now.getTime() > notAfter) {
    validity = `expired ${facts.validTo}`;
    const ago = Math.floor((o.now.getTime() - notAfter) / DAY_MS);
    problems.push(`expired on ${facts.validTo} (${ago === 0 ? 'less than a day' : plural(ago, 'day')} ago)`);
  } else if (o.now.getTime() < notBefore) {
    validity = `not valid before ${facts.validFrom}`;
    problems.push(`not yet valid: valid from ${facts.validFrom}`);
  } else if (facts.daysLeft < o.minDaysLeft) {
    problems.push(
      `expires in ${plural(facts.daysLeft, 'day')} (${facts.validTo}), ${o.minDaysLeft} required`,
    );
  }

  const rules: RuleResult[] = [
    { rule: 'TLS chain', passed: chainOk, seen: chainSeen, expected: `verifies against ${o.trustedLabel}` },
    {
      rule: 'TLS name',
      passed: !mismatch,
      seen: mismatch ? names : 'matches',
      expected: `names ${seen.host}`,
    },
    {
      rule: 'TLS validity',
      passed: validity === 'in its validity period',
      seen: validity,
      expected: 'notBefore <= now <= notAfter',
    },
    {
      rule: DAYS_LEFT,
      passed: facts.daysLeft >= o.minDaysLeft,
      seen: facts.daysLeft,
      expected: o.minDaysLeft,
      operator: '>=',
    },
  ];
  const measurements: Measurement[] = rules.map((r) =>
    r.rule === DAYS_LEFT ? { ...ruleMeasurement(r), unit: 'days' } : ruleMeasurement(r),
  );
  const left = facts.daysLeft >= 0 ? `${plural(facts.daysLeft, 'day')} left` : 'no days left';
  const named = `TLS certificate of ${where} (subject ${facts.subject}; issuer ${facts.issuer}; notAfter ${facts.validTo}; ${left})`;
  const evidence = {
    address: where,
    ...(seen.servername ? { servername: seen.servername } : {}),
    protocol: seen.protocol,
    checkedAt: o.now.toISOString(),
    trusted: o.trustedLabel,
    verification: error ?? 'ok',
    ...facts,
    minDaysLeft: o.minDaysLeft,
    chain: chainOf(cert).map((c) => {
      const x = new X509Certificate(c.raw);
      return {
        subject: dn(x.subject),
        issuer: dn(x.issuer),
        validTo: new Date(x.validTo).toISOString(),
        fingerprint256: x.fingerprint256,
      };
    }),
  };
  return {
    subject: `TLS certificate of ${where}`,
    rules,
    measurements,
    evidence: [
      {
        name: 'tls-certificate.json',
        contentType: 'application/json',
        body: JSON.stringify(evidence, null, 2),
      },
    ],
    facts,
    ...(problems.length ? { message: `${named}: ${problems.join('; ')}` } : {}),
  };
}
