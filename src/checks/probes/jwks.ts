import { createPublicKey, type JsonWebKey as NodeJwk } from 'node:crypto';
import { z } from 'zod';
import { type Assessment, assessment, type RuleResult } from './assessment.ts';
import { describeIssues } from './health.ts';
import { probe } from './http.ts';
import type { Requester } from './http-target.ts';

const b64url = z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be base64url');

/** Members every published key needs, so clients can pick it (kid) and use it safely (use, alg). */
const Common = { kid: z.string().min(1), use: z.enum(['sig', 'enc']), alg: z.string().min(1) };

/** A public JSON Web Key (RFC 7517/7518/8037): RSA n/e, EC crv/x/y, or OKP crv/x. */
export const PublicJwk = z.discriminatedUnion('kty', [
  z.looseObject({ kty: z.literal('RSA'), ...Common, n: b64url, e: b64url }),
  z.looseObject({
    kty: z.literal('EC'),
    ...Common,
    crv: z.enum(['P-256', 'P-384', 'P-521']),
    x: b64url,
    y: b64url,
  }),
  z.looseObject({
    kty: z.literal('OKP'),
    ...Common,
    crv: z.enum(['Ed25519', 'Ed448', 'X25519', 'X448']),
    x: b64url,
  }),
]);

export const JwkSet = z.object({ keys: z.array(PublicJwk).min(1, 'at least one key') });

/** Members that exist only in private (or symmetric) keys: publishing one leaks the key. */
export const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

function keyName(key: unknown, index: number): string {
  const kid = (key as { kid?: unknown })?.kid;
  return typeof kid === 'string' ? `kid ${kid}` : `keys[${index}]`;
}

/**
 * Holds a JWKS document to the rules: a JSON key set with at least one key, every key with
 * kty/kid/use/alg and its public parameters, no private members, and each importable as a public key.
 */
export function assessJwks(body: string): RuleResult[] {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    const seen = `not JSON: "${body.slice(0, 80).replace(/\s+/g, ' ')}"`;
    return [{ rule: 'JWKS body', passed: false, seen, expected: 'a JSON key set {"keys": [...]}' }];
  }
  const keys: unknown[] = Array.isArray((doc as { keys?: unknown })?.keys)
    ? (doc as { keys: unknown[] }).keys
    : [];
  const leaked = keys.flatMap((key, i) =>
    PRIVATE_MEMBERS.filter((m) => key && typeof key === 'object' && m in key).map(
      (m) => `${keyName(key, i)}: ${m}`,
    ),
  );
  const parsed = JwkSet.safeParse(doc);
  const rules: RuleResult[] = [
    {
      rule: 'JWKS private members',
      passed: leaked.length === 0,
      seen: leaked.length === 0 ? 'none' : leaked.join(', '),
      expected: `no ${PRIVATE_MEMBERS.join('/')} members (public keys only)`,
    },
    {
      rule: 'JWKS schema',
      passed: parsed.success,
      seen: parsed.success ? `${parsed.data.keys.length} key(s)` : 'invalid',
      expected: 'keys[] (at least one) with kty, kid, use, alg and RSA n/e, EC crv/x/y or OKP crv/x',
      ...(parsed.success ? {} : { reason: describeIssues(parsed.error) }),
    },
  ];
  if (parsed.success) {
    const bad = parsed.data.keys.flatMap((key, i) => {
      try {
        createPublicKey({ key: key as NodeJwk, format: 'jwk' });
        return [];
      } catch (error) {
        return [`${keyName(key, i)}: ${(error as Error).message}`];
      }
    });
    rules.push({
      rule: 'JWKS keys importable',
      passed: bad.length === 0,
      seen: bad.length === 0 ? 'all' : bad.join('; '),
      expected: 'every key a valid public key',
    });
  }
  return rules;
}

/** GETs a declared JWKS URL and assesses it; the body is kept as evidence (public keys only). */
export async function checkJwks(
  url: string,
  options: { request?: Requester; timeoutMs?: number } = {},
): Promise<Assessment> {
  const request = options.request ?? probe;
  const res = await request(url, {
    timeoutMs: options.timeoutMs ?? 10_000,
    headers: { accept: 'application/json' },
  });
  const status: RuleResult = {
    rule: 'JWKS status',
    passed: res.status === 200,
    seen: res.status,
    expected: 200,
  };
  const rules = res.status === 200 ? [status, ...assessJwks(res.body)] : [status];
  // A body that leaks private members is not kept: evidence must not carry a private key.
  const leaks = rules.some((r) => r.rule === 'JWKS private members' && !r.passed);
  const body = leaks ? '(withheld: the key set contains private key members)' : res.body.slice(0, 4000);
  return assessment(`JWKS at ${url}`, rules, [
    { name: 'jwks response', contentType: 'text/plain', body: `${res.status} ${url}\n\n${body}` },
  ]);
}
