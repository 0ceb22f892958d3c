import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckFailure, ObservationError } from '../../src/checks/authoring/errors.ts';
import { jsonBody, probe } from '../../src/checks/probes/http.ts';
import { rejection, thrown } from './helpers.ts';

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    );
  });
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"version":"1.2.3"}');
    } else if (req.url === '/boom') {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal error');
    } else if (req.url === '/html') {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>\n  <body>Bad   gateway</body></html>');
    } else if (req.url === '/redirect') {
      res.writeHead(302, { location: '/json' });
      res.end();
    } else if (req.url === '/echo') {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => res.end(`${req.method} ${req.headers['x-probe']} ${body}`));
    }
    // '/hang' and anything else: never answer.
  });
  base = await listen(server);
});

afterAll(() => close(server));

describe('probe', () => {
  it('returns status, headers, body and a duration', async () => {
    const r = await probe(`${base}/json`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.body).toBe('{"version":"1.2.3"}');
    expect(r.durationMs).toBeGreaterThan(0);
    expect(r.url).toBe(`${base}/json`);
  });

  it('returns a 500 as an observation instead of throwing', async () => {
    const r = await probe(`${base}/boom`);
    expect(r.status).toBe(500);
    expect(r.body).toBe('internal error');
  });

  it('does not follow redirects by default', async () => {
    const r = await probe(`${base}/redirect`);
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toBe('/json');
  });

  it('sends method, headers and body', async () => {
    const r = await probe(`${base}/echo`, { method: 'POST', headers: { 'x-probe': 'yes' }, body: 'hello' });
    expect(r.body).toBe('POST yes hello');
  });

  it('turns a refused connection into ObservationError "target unreachable"', async () => {
    const closed = createServer();
    const url = await listen(closed);
    await close(closed);
    const e = await rejection(probe(`${url}/health`));
    expect(e).toBeInstanceOf(ObservationError);
    expect(e.message).toContain('target unreachable');
    expect(e.message).toContain(`${url}/health`);
    expect(e.code).toBe('ROLLGATE_TARGET_UNREACHABLE');
  });

  it('turns a server that never answers into ObservationError "timeout" within timeoutMs', async () => {
    const started = performance.now();
    const e = await rejection(probe(`${base}/hang`, { timeoutMs: 300 }));
    const elapsed = performance.now() - started;
    expect(e).toBeInstanceOf(ObservationError);
    expect(e.message).toContain('timeout');
    expect(e.message).toContain('300 ms');
    expect(e.code).toBe('ROLLGATE_TIMEOUT');
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(3000);
  });
});

describe('jsonBody', () => {
  it('parses a JSON body', async () => {
    expect(jsonBody(await probe(`${base}/json`))).toEqual({ version: '1.2.3' });
  });

  it('fails the check (CheckFailure) on an HTML body, quoting what was seen', async () => {
    const r = await probe(`${base}/html`);
    const e = thrown(() => jsonBody(r));
    expect(e).toBeInstanceOf(CheckFailure);
    expect(e.message).toBe(
      `${base}/html answered 502 with a body that is not JSON: "<html> <body>Bad gateway</body></html>"`,
    );
  });
});
