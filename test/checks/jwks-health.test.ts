import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failedRules, failureMessage } from '../../src/checks/probes/assessment.ts';
import { assessHealth, DeepHealth, SimpleHealth } from '../../src/checks/probes/health.ts';
import { probe } from '../../src/checks/probes/http.ts';
import { assessJwks, checkJwks } from '../../src/checks/probes/jwks.ts';

/** Real keys made here, published the way an identity provider does. */
function publicJwk(type: 'rsa' | 'ec' | 'ed25519', kid: string, alg: string) {
  const { publicKey, privateKey } =
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : type === 'ec'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('ed25519');
  return {
    pub: { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg },
    priv: { ...privateKey.export({ format: 'jwk' }), kid, use: 'sig', alg },
  };
}

const rsa = publicJwk('rsa', 'rsa-1', 'RS256');
const ec = publicJwk('ec', 'ec-1', 'ES256');
const ed = publicJwk('ed25519', 'ed-1', 'EdDSA');

const BODIES: Record<string, [number, string, string]> = {
  '/good': [200, 'application/json', JSON.stringify({ keys: [rsa.pub, ec.pub, ed.pub] })],
  '/private': [200, 'application/json', JSON.stringify({ keys: [rsa.priv] })],
  '/empty': [200, 'application/json', '{"keys":[]}'],
  '/no-kid': [200, 'application/json', JSON.stringify({ keys: [{ ...ec.pub, kid: undefined }] })],
  // A point that is not on the curve: the schema is satisfied, the key is not a key.
  '/bad-point': [200, 'application/json', JSON.stringify({ keys: [{ ...ec.pub, y: ec.pub.x }] })],
  '/html': [200, 'text/html', '<html><body>Service Unavailable</body></html>'],
  '/missing': [404, 'text/plain', 'not found'],
  '/health': [200, 'application/json', '{"status":"ok"}'],
  '/deep': [
    200,
    'application/json',
    JSON.stringify({
      status: 'ok',
      version: '1.2.3',
      environment: 'demo',
      checks: { database: { status: 'ok' } },
    }),
  ],
  '/deep-db-down': [
    200,
    'application/json',
    JSON.stringify({
      status: 'ok',
      version: '1.2.3',
      environment: 'demo',
      checks: { database: { status: 'error' } },
    }),
  ],
};

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const [status, type, body] = BODIES[req.url ?? ''] ?? [404, 'text/plain', ''];
    res.writeHead(status, { 'content-type': type }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

const broken = async (path: string) =>
  failedRules(await checkJwks(base + path)).map((r) => `${r.rule}: ${r.seen}`);

describe('JWKS', () => {
  it('passes a key set of RSA, EC and OKP public keys', async () => {
    const a = await checkJwks(`${base}/good`);
    expect(failureMessage(a)).toBeUndefined();
    expect(a.measurements.map((m) => [m.name, m.actual])).toEqual([
      ['JWKS status', 200],
      ['JWKS private members', 'none'],
      ['JWKS schema', '3 key(s)'],
      ['JWKS keys importable', 'all'],
    ]);
  });

  it('fails a key set that publishes private members, and keeps the body out of the evidence', async () => {
    expect(await broken('/private')).toEqual([
      'JWKS private members: kid rsa-1: d, kid rsa-1: p, kid rsa-1: q, kid rsa-1: dp, kid rsa-1: dq, kid rsa-1: qi',
    ]);
    const a = await checkJwks(`${base}/private`);
    expect(a.evidence[0]!.body).toContain('withheld');
    expect(a.evidence[0]!.body).not.toContain(rsa.priv.d as string);
  });

  it('needs at least one key, each with a kid', async () => {
    expect(failureMessage(await checkJwks(`${base}/empty`))).toMatch(
      /JWKS schema: seen invalid \(keys: at least one key\)/,
    );
    expect(failureMessage(await checkJwks(`${base}/no-kid`))).toMatch(
      /JWKS schema: seen invalid \(keys\.0\.kid: /,
    );
  });

  it('fails a key that parses but is not a valid public key', async () => {
    expect(await broken('/bad-point')).toEqual([expect.stringMatching(/^JWKS keys importable: kid ec-1: /)]);
  });

  it('fails an HTML page and a 404 with what was seen', async () => {
    expect(await broken('/html')).toEqual([
      'JWKS body: not JSON: "<html><body>Service Unavailable</body></html>"',
    ]);
    expect(await broken('/missing')).toEqual(['JWKS status: 404']);
  });

  it('the pure assessor rejects a symmetric key (k) as a private member', () => {
    const rules = assessJwks(
      JSON.stringify({ keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'h', use: 'sig', alg: 'HS256' }] }),
    );
    expect(rules.filter((r) => !r.passed).map((r) => r.rule)).toEqual([
      'JWKS private members',
      'JWKS schema',
    ]);
  });
});

describe('health tiers', () => {
  it('a JSON body matching its tier schema passes', async () => {
    expect(
      failureMessage(assessHealth(await probe(`${base}/health`), SimpleHealth, 'simple')),
    ).toBeUndefined();
    expect(failureMessage(assessHealth(await probe(`${base}/deep`), DeepHealth, 'deep'))).toBeUndefined();
  });

  it('a 200 with an HTML error page fails on content type and schema', async () => {
    const a = assessHealth(await probe(`${base}/html`), SimpleHealth, 'simple');
    expect(failedRules(a).map((r) => [r.rule, r.seen])).toEqual([
      ['simple content type', 'text/html'],
      ['simple body schema', 'not JSON: "<html><body>Service Unavailable</body></html>"'],
    ]);
  });

  it('deep health with a failing dependency fails the schema, naming the field', async () => {
    const a = assessHealth(await probe(`${base}/deep-db-down`), DeepHealth, 'deep');
    expect(failureMessage(a)).toMatch(
      /- deep body schema: seen JSON \(checks\.database\.status: .*\); expected/,
    );
  });
});
