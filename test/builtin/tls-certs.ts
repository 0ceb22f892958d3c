import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import path from 'node:path';

/**
 * Throw-away certificates made with the real `openssl` binary at test time (OpenSSL 3.0 or later):
 * a CA, leaf certificates it signs with any validity period (`openssl ca -startdate/-enddate`, so
 * expired and short-lived ones need no fake clock), and self-signed ones. EC P-256 keys: fast.
 */

const DAY_MS = 86_400_000;

/** A certificate and its key, as files and as PEM text. */
export interface CertPair {
  certFile: string;
  keyFile: string;
  cert: string;
  key: string;
}

export interface TestCa extends CertPair {
  dir: string;
  name: string;
  /** The `openssl ca` configuration file. */
  config: string;
}

/** A new EC P-256 key, unencrypted: `openssl req` options. */
const NEW_KEY = '-new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256'.split(' ');

const openssl = (args: string[], cwd: string) =>
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] }).toString();

const read = (certFile: string, keyFile: string): CertPair => ({
  certFile,
  keyFile,
  cert: readFileSync(certFile, 'utf8'),
  key: readFileSync(keyFile, 'utf8'),
});

/** `DNS:localhost,IP:127.0.0.1` for the hosts a certificate names. */
const sans = (hosts: readonly string[]) => hosts.map((h) => (isIP(h) ? `IP:${h}` : `DNS:${h}`)).join(',');

/** A file name part for a label. */
const slug = (s: string) => s.replace(/[^a-z0-9]+/gi, '-').toLowerCase();

/** A CA (its own folder under `dir`), valid ten years from now. */
export function makeCa(dir: string, name = 'rollgate test CA'): TestCa {
  const home = path.join(dir, slug(name));
  mkdirSync(path.join(home, 'issued'), { recursive: true });
  writeFileSync(path.join(home, 'index.txt'), '');
  writeFileSync(path.join(home, 'serial'), '1000\n');
  const config = path.join(home, 'ca.cnf');
  writeFileSync(
    config,
    [
      '[ ca ]',
      'default_ca = test_ca',
      '[ test_ca ]',
      `database = ${path.join(home, 'index.txt')}`,
      `new_certs_dir = ${path.join(home, 'issued')}`,
      `serial = ${path.join(home, 'serial')}`,
      'default_md = sha256',
      'policy = any_name',
      'unique_subject = no',
      'email_in_dn = no',
      'copy_extensions = none',
      '[ any_name ]',
      'commonName = supplied',
      '',
    ].join('\n'),
  );
  const ext = 'keyUsage=critical,keyCertSign,cRLSign';
  openssl(
    [
      'req',
      '-x509',
      ...NEW_KEY,
      ...'-keyout ca.key -out ca.crt -days 3650'.split(' '),
      '-subj',
      `/CN=${name}`,
      '-addext',
      ext,
    ],
    home,
  );
  return { ...read(path.join(home, 'ca.crt'), path.join(home, 'ca.key')), dir: home, name, config };
}

/** openssl ca's time format: YYYYMMDDHHMMSSZ. */
const asn1Time = (d: Date) => `${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;

export interface LeafOptions {
  /** Subject CN and file names. */
  name: string;
  /** Host names and IP addresses in subjectAltName. */
  hosts: readonly string[];
  notBefore?: Date;
  notAfter: Date;
}

/** A server certificate `ca` signs for `hosts`, valid from `notBefore` (a day ago) to `notAfter`. */
export function leafCert(ca: TestCa, o: LeafOptions): CertPair {
  const base = path.join(ca.dir, slug(o.name));
  const ext = `${base}.ext`;
  writeFileSync(
    ext,
    [
      '[ leaf ]',
      'basicConstraints = CA:FALSE',
      'keyUsage = critical,digitalSignature',
      'extendedKeyUsage = serverAuth',
      `subjectAltName = ${sans(o.hosts)}`,
      '',
    ].join('\n'),
  );
  openssl(
    ['req', ...NEW_KEY, '-keyout', `${base}.key`, '-out', `${base}.csr`, '-subj', `/CN=${o.name}`],
    ca.dir,
  );
  const signer = ['-config', ca.config, '-cert', ca.certFile, '-keyfile', ca.keyFile];
  const dates = [
    '-startdate',
    asn1Time(o.notBefore ?? new Date(Date.now() - DAY_MS)),
    '-enddate',
    asn1Time(o.notAfter),
  ];
  const io = ['-in', `${base}.csr`, '-out', `${base}.crt`, '-extfile', ext, '-extensions', 'leaf'];
  openssl(['ca', '-batch', '-notext', ...signer, ...io, ...dates], ca.dir);
  return read(`${base}.crt`, `${base}.key`);
}

/** A self-signed server certificate for `hosts`, valid `days` from now: trusted by nobody. */
export function selfSigned(dir: string, name: string, hosts: readonly string[], days = 90): CertPair {
  const base = path.join(dir, slug(name));
  const files = ['-keyout', `${base}.key`, '-out', `${base}.crt`, '-days', String(days)];
  const subject = ['-subj', `/CN=${name}`, '-addext', `subjectAltName=${sans(hosts)}`];
  openssl(['req', '-x509', ...NEW_KEY, ...files, ...subject], dir);
  return read(`${base}.crt`, `${base}.key`);
}

/** `days` (fractional) from now. */
export const daysFromNow = (days: number) => new Date(Date.now() + days * DAY_MS);

/** A real HTTPS server on 127.0.0.1 presenting `pair` (and `chain`, PEM, after it); `close` stops it. */
export async function serveTls(
  pair: CertPair,
  chain = '',
): Promise<{ url: string; port: number; close: () => Promise<void> }> {
  const server: Server = createServer({ key: pair.key, cert: pair.cert + chain }, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
