import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObservationError } from '../../src/checks/authoring/errors.ts';
import { createTargetClient, resolveHeaders } from '../../src/checks/probes/http-target.ts';
import { rejection, thrown } from '../unit/helpers.ts';

const TOKEN = 'tok-Zq8yX1-never-printed';
const env = { API_TOKEN: TOKEN, BAD_TOKEN: `${TOKEN}\nInjected: yes` };
/** `Bearer ${NAME}`, the target header template (built here so lint does not take it for a JS template). */
const bearer = (variable: string) => `Bearer \${${variable}}`;

/** Answers whether the bearer token arrived, never the token itself; `/hang` never answers. */
function handler(req: IncomingMessage, res: ServerResponse): void {
  if (req.url === '/hang') return;
  res.setHeader('set-cookie', ['a=1; HttpOnly', 'b=2; Secure']);
  res.end(req.headers.authorization === `Bearer ${TOKEN}` ? 'token ok' : 'no token');
}

function listen(server: Server, scheme: string): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

const dir = mkdtempSync(path.join(tmpdir(), 'rollgate-tls-'));
const caFile = path.join(dir, 'ca.pem');
let http: Server;
let https: Server;
let httpUrl: string;
let httpsUrl: string;

/** A throwaway CA and a server certificate for 127.0.0.1, made with the system's openssl. */
async function makeCertificates(): Promise<{ key: string; cert: string }> {
  const o = (args: string[]) => execa('openssl', args, { cwd: dir });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  await o([
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=rollgate test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await o(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
  writeFileSync(path.join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  await o([
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '2',
    '-extfile',
    'ext.cnf',
  ]);
  return {
    key: readFileSync(path.join(dir, 'server.key'), 'utf8'),
    cert: readFileSync(path.join(dir, 'server.pem'), 'utf8'),
  };
}

beforeAll(async () => {
  http = createServer(handler);
  https = createHttpsServer(await makeCertificates(), handler);
  httpUrl = await listen(http, 'http');
  httpsUrl = await listen(https, 'https');
});

afterAll(async () => {
  for (const s of [http, https]) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('target request headers from the environment', () => {
  it('resolves NAME templates from the environment and reports the values as secrets', () => {
    const r = resolveHeaders({ Authorization: bearer('API_TOKEN'), 'X-Team': 'payments' }, env);
    expect(r.headers).toEqual({ Authorization: `Bearer ${TOKEN}`, 'X-Team': 'payments' });
    expect(r.secrets).toEqual([TOKEN]);
  });

  it('a missing variable is an ObservationError naming header and variable', () => {
    const e = thrown(() => resolveHeaders({ Authorization: bearer('NOPE_TOKEN') }, env));
    expect(e).toBeInstanceOf(ObservationError);
    expect(e.code).toBe('ROLLGATE_MISSING_ENV');
    expect(e.message).toBe(
      'target header Authorization needs the environment variable NOPE_TOKEN, which is not set',
    );
  });

  it('sends the headers with every request; per-request headers win', async () => {
    const client = createTargetClient({ headers: { Authorization: bearer('API_TOKEN') } }, env);
    expect((await client.request(`${httpUrl}/`)).body).toBe('token ok');
    expect((await client.request(`${httpUrl}/`, { headers: { Authorization: 'none' } })).body).toBe(
      'no token',
    );
    expect(client.mask(`header was Bearer ${TOKEN}`)).toBe('header was Bearer ***');
  });

  it('refuses an invalid header value without quoting it', () => {
    const e = thrown(() => createTargetClient({ headers: { Authorization: bearer('BAD_TOKEN') } }, env));
    expect(e).toBeInstanceOf(ObservationError);
    expect(e.message).toBe(
      'target header Authorization is not a valid header (check the environment variables it uses)',
    );
    expect(e.message).not.toContain(TOKEN);
  });

  it('masks header values in request errors, over HTTP and HTTPS', async () => {
    // A server that echoes the token into its own error text stands for any error that quotes one.
    const client = createTargetClient({ caFile, headers: { Authorization: bearer('API_TOKEN') } }, env);
    const closed = createServer();
    const port = new URL(await listen(closed, 'http')).port;
    await new Promise((resolve) => closed.close(resolve));
    for (const url of [`http://127.0.0.1:${port}/Bearer ${TOKEN}`, `https://127.0.0.1:${port}/${TOKEN}`]) {
      const e = await rejection(client.request(url));
      expect(e).toBeInstanceOf(ObservationError);
      expect(e.message).toMatch(/^target unreachable: connection refused at .*\*\*\*/);
      expect(e.message).not.toContain(TOKEN);
    }
  });
});

describe('CA bundle', () => {
  it('without the bundle, the self-made CA is not trusted: target unreachable', async () => {
    const e = await rejection(createTargetClient({}, env).request(`${httpsUrl}/`));
    expect(e).toBeInstanceOf(ObservationError);
    expect(e.message).toMatch(/^target unreachable: .*certificate/i);
  });

  it('with the bundle, HTTPS answers, with headers sent and every Set-Cookie kept', async () => {
    const client = createTargetClient({ caFile, headers: { Authorization: bearer('API_TOKEN') } }, env);
    const res = await client.request(`${httpsUrl}/`);
    expect(res.status).toBe(200);
    expect(res.body).toBe('token ok');
    expect(res.headers.getSetCookie()).toEqual(['a=1; HttpOnly', 'b=2; Secure']);
    expect(res.durationMs).toBeGreaterThan(0);
  });

  it('an unreadable bundle is an ObservationError naming the file', () => {
    const e = thrown(() => createTargetClient({ caFile: path.join(dir, 'missing.pem') }, env));
    expect(e).toBeInstanceOf(ObservationError);
    expect(e.message).toBe(`cannot read the target's CA bundle ${path.join(dir, 'missing.pem')} (ENOENT)`);
  });
});

describe('a target that hangs', () => {
  it.each(['http', 'https'])('errors at its timeout over %s', async (scheme) => {
    const client = createTargetClient({ caFile }, env);
    const started = performance.now();
    const e = await rejection(
      client.request(`${scheme === 'http' ? httpUrl : httpsUrl}/hang`, { timeoutMs: 300 }),
    );
    const elapsed = performance.now() - started;
    expect(e).toBeInstanceOf(ObservationError);
    expect(e.code).toBe('ROLLGATE_TIMEOUT');
    expect(e.message).toMatch(/no answer from .*\/hang within 300 ms \(timeout\)/);
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(3000);
  });
});
