import { generateKeyPairSync } from 'node:crypto';

/**
 * The demo's signing key set, as an identity provider would publish it. Only the public half is
 * ever served; the key is made at start-up, so nothing secret lives in the repository.
 */
const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwk = publicKey.export({ format: 'jwk' });

export const JWKS = { keys: [{ ...jwk, kid: 'demo-1', use: 'sig', alg: 'ES256' }] };
