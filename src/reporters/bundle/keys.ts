import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RollgateError } from '../../config/errors.ts';
import { keyIdOf } from './dsse.ts';

/** File names `rollgate bundle keygen` writes. */
export const PRIVATE_KEY_FILE = 'rollgate-signing.key.pem';
export const PUBLIC_KEY_FILE = 'rollgate-signing.pub.pem';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyid: string;
  /** The private key's PEM text as given, so a masker can keep it out of everything written. */
  pemText: string;
  /** Where it came from, for messages (never the key itself). */
  from: string;
}

const SIGN_FIX =
  'pass --key <private-key.pem>, or set ROLLGATE_SIGNING_KEY (the PEM text, e.g. from a CI secret) or ROLLGATE_SIGNING_KEY_FILE; `rollgate bundle keygen --out <dir>` makes a key pair';

function readKeyFile(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new RollgateError(
      'ROLLGATE_KEY_UNUSABLE',
      `${what} ${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); ${SIGN_FIX}.`,
    );
  }
}

/** The private key a bundle is signed with: --key, else ROLLGATE_SIGNING_KEY, else ROLLGATE_SIGNING_KEY_FILE. */
export function loadSigningKey(flag: string | undefined, env: NodeJS.ProcessEnv): SigningKey {
  let pemText: string;
  let from: string;
  if (flag) {
    pemText = readKeyFile(flag, '--key');
    from = flag;
  } else if (env.ROLLGATE_SIGNING_KEY?.trim()) {
    pemText = env.ROLLGATE_SIGNING_KEY;
    from = 'ROLLGATE_SIGNING_KEY';
  } else if (env.ROLLGATE_SIGNING_KEY_FILE?.trim()) {
    pemText = readKeyFile(env.ROLLGATE_SIGNING_KEY_FILE, 'ROLLGATE_SIGNING_KEY_FILE');
    from = env.ROLLGATE_SIGNING_KEY_FILE;
  } else {
    throw new RollgateError('ROLLGATE_KEY_UNUSABLE', `no signing key: ${SIGN_FIX}.`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pemText, format: 'pem' });
  } catch (error) {
    const hint = /-----BEGIN PUBLIC KEY-----/.test(pemText)
      ? 'it is a public key; signing needs the private one'
      : `not a PEM private key without passphrase (${(error as Error).message.split('\n')[0]})`;
    throw new RollgateError('ROLLGATE_KEY_UNUSABLE', `signing key from ${from}: ${hint}; ${SIGN_FIX}.`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new RollgateError(
      'ROLLGATE_KEY_UNUSABLE',
      `signing key from ${from}: a ${privateKey.asymmetricKeyType ?? 'symmetric'} key; bundles are signed with ed25519 (\`rollgate bundle keygen --out <dir>\` makes one).`,
    );
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyid: keyIdOf(publicKey), pemText, from };
}

/** A public key from PEM text (a private key's PEM gives its public half). */
export function parsePublicKey(pemText: string, from: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pemText, format: 'pem' });
  } catch (error) {
    throw new RollgateError(
      'ROLLGATE_KEY_UNUSABLE',
      `${from}: not a PEM public key (${(error as Error).message.split('\n')[0]}); pass the team's ${PUBLIC_KEY_FILE}.`,
    );
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new RollgateError(
      'ROLLGATE_KEY_UNUSABLE',
      `${from}: a ${key.asymmetricKeyType} key; rollgate bundles are signed with ed25519.`,
    );
  return key;
}

/**
 * The key a bundle must be signed with, when one is given: --key (a file), else
 * ROLLGATE_VERIFY_KEY (PEM text, or the path of a PEM file). Undefined: none given.
 */
export function loadVerifyKey(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
): { key: KeyObject; from: string } | undefined {
  if (flag) return { key: parsePublicKey(readKeyFile(flag, '--key'), flag), from: flag };
  const value = env.ROLLGATE_VERIFY_KEY?.trim();
  if (!value) return undefined;
  if (value.startsWith('-----BEGIN'))
    return { key: parsePublicKey(value, 'ROLLGATE_VERIFY_KEY'), from: 'ROLLGATE_VERIFY_KEY' };
  return { key: parsePublicKey(readKeyFile(value, 'ROLLGATE_VERIFY_KEY'), value), from: value };
}

/**
 * Writes a new ed25519 key pair into `dir`: the private key readable by its owner only (0600).
 * Refuses to replace either file unless `force`: a lost private key cannot sign again.
 */
export function generateSigningKeys(dir: string, force = false) {
  const files = { privateKey: path.join(dir, PRIVATE_KEY_FILE), publicKey: path.join(dir, PUBLIC_KEY_FILE) };
  const existing = Object.values(files).filter((f) => existsSync(f));
  if (existing.length && !force)
    throw new RollgateError(
      'ROLLGATE_BAD_ARGUMENT',
      `${existing.join(', ')} already exists; nothing was written. Choose another --out, or pass --force to replace the key pair (bundles signed with the old key then need the old public key to verify).`,
    );
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  mkdirSync(dir, { recursive: true });
  // Removed first: an existing file would keep its own (maybe wider) mode through writeFileSync.
  for (const f of existing) rmSync(f, { force: true });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  writeFileSync(files.privateKey, pem, { mode: 0o600, flag: 'wx' });
  chmodSync(files.privateKey, 0o600); // the umask cannot widen it, but may narrow it oddly
  writeFileSync(files.publicKey, publicKey.export({ type: 'spki', format: 'pem' }).toString(), {
    mode: 0o644,
  });
  return { ...files, keyid: keyIdOf(publicKey) };
}
