import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TargetContext } from '../../src/checks/authoring/target-context.ts';
import { LOOPBACK_HTTP } from '../../src/checks/builtin/tls.ts';
import { freePort } from '../../src/checks/free-port.ts';
import { observeTls } from '../../src/checks/probes/tls.ts';
import type { ResolvedGate } from '../../src/config/options.ts';
import { builtinStep } from '../../src/engine/steps/builtin-step.ts';
import type { StepContext } from '../../src/engine/steps/step.ts';
import type { CheckResult } from '../../src/model/check-result.ts';
import { declare, ROOT, runOne } from './helpers.ts';
import {
  type CertPair,
  daysFromNow,
  leafCert,
  makeCa,
  selfSigned,
  serveTls,
  type TestCa,
} from './tls-certs.ts';

/**
 * The tls built-in against real HTTPS servers on 127.0.0.1, each presenting a certificate made with
 * openssl for this run: trusted through the target's caFile, or not.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'rollgate-tls-'));
let ca: TestCa;
const certs: Record<string, CertPair> = {};
const servers: Record<string, Awaited<ReturnType<typeof serveTls>>> = {};

beforeAll(async () => {
  ca = makeCa(dir);
  const other = makeCa(dir, 'unknown CA');
  const hosts = ['127.0.0.1', 'localhost'];
  certs.valid = leafCert(ca, { name: 'valid', hosts, notAfter: daysFromNow(90) });
  // Five days and a half: five whole days left whenever the check runs within twelve hours.
  certs.soon = leafCert(ca, { name: 'soon', hosts, notAfter: daysFromNow(5.5) });
  certs.expired = leafCert(ca, {
    name: 'expired',
    hosts,
    notBefore: daysFromNow(-60),
    notAfter: daysFromNow(-3),
  });
  certs.future = leafCert(ca, {
    name: 'future',
    hosts,
    notBefore: daysFromNow(3),
    notAfter: daysFromNow(90),
  });
  certs.wrongHost = leafCert(ca, {
    name: 'wrong host',
    hosts: ['api.example.com'],
    notAfter: daysFromNow(90),
  });
  certs.selfSigned = selfSigned(dir, 'self signed', hosts);
  // Expired and signed by a CA nobody trusts: OpenSSL reports only the date, the chain must still fail.
  certs.expiredUnknown = leafCert(other, {
    name: 'expired unknown',
    hosts,
    notBefore: daysFromNow(-60),
    notAfter: daysFromNow(-3),
  });
  for (const [name, pair] of Object.entries(certs)) servers[name] = await serveTls(pair);
});

afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

/** A target trusting the test CA (caFile) whose stage runs `tls` only. */
const declareTls = (o: { minDaysLeft?: number; caFile?: string | null; url?: string } = {}) => {
  const caFile = o.caFile === undefined ? ca.certFile : o.caFile;
  return declare(
    {
      tls: { minDaysLeft: o.minDaysLeft ?? 14, ...(o.url ? { url: o.url } : {}) },
      ...(caFile ? { http: { caFile } } : {}),
    },
    { checks: ['tls'] },
  );
};

/**
 * The tls check of a target trusting the test CA, against `baseURL`; `embedded` (default false
 * here): rollgate started the target, as the gate does for an embedded app.
 */
function tls(
  baseURL: string,
  o: { minDaysLeft?: number; caFile?: string | null; url?: string; embedded?: boolean } = {},
) {
  return runOne(declareTls(o), { baseURL, embedded: o.embedded ?? false });
}

const measured = (r: CheckResult, name: string) => r.measurements.find((m) => m.name === name);
const evidence = (r: CheckResult) =>
  JSON.parse(r.evidence.find((e) => e.name === 'tls-certificate.json')?.body ?? '{}') as Record<
    string,
    unknown
  >;

describe('tls: certificates served over HTTPS', () => {
  it('passes a certificate the caFile trusts, for 127.0.0.1, with 90 days to run', async () => {
    const r = await tls(servers.valid!.url);
    expect(r.id).toBe('security/tls');
    expect(r.status, r.message).toBe('passed');
    const days = measured(r, 'tls-days-left');
    expect(days).toMatchObject({ operator: '>=', expected: 14, unit: 'days', passed: true });
    expect(days!.actual).toBeGreaterThanOrEqual(89);
    expect(days!.actual).toBeLessThanOrEqual(90);
    expect(r.measurements.map((m) => [m.name, m.passed])).toEqual([
      ['TLS chain', true],
      ['TLS name', true],
      ['TLS validity', true],
      ['tls-days-left', true],
    ]);
    const e = evidence(r);
    expect(e).toMatchObject({ subject: 'CN=valid', issuer: 'CN=rollgate test CA', verification: 'ok' });
    expect(e.subjectAltNames).toEqual(['IP Address:127.0.0.1', 'DNS:localhost']);
    expect(e.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(e.daysLeft).toBe(days!.actual);
    expect(Object.keys(e)).toEqual(expect.arrayContaining(['validFrom', 'validTo', 'chain']));
    expect(r.evidence[0]!.body).not.toContain('PRIVATE');
  });

  it('checks the name it connects to with SNI: localhost', async () => {
    const r = await tls(`https://localhost:${servers.valid!.port}`);
    expect(r.status, r.message).toBe('passed');
    expect(evidence(r).servername).toBe('localhost');
  });

  it('checks tls.url instead of the base URL when declared', async () => {
    const r = await tls('http://127.0.0.1:9', { url: servers.soon!.url });
    expect(r.status).toBe('failed');
    expect(r.message).toContain('expires in 5 days');
  });

  it('fails a certificate expiring in 5 days when 14 are required, naming the certificate', async () => {
    const r = await tls(servers.soon!.url);
    expect(r.status).toBe('failed');
    expect(r.message).toMatch(/expires in 5 days \(\d{4}-\d\d-\d\dT[\d:.]+Z\), 14 required/);
    expect(r.message).toContain('subject CN=soon');
    expect(r.message).toContain('issuer CN=rollgate test CA');
    expect(r.message).toMatch(/notAfter \d{4}-/);
    expect(r.message).toContain('5 days left');
    expect(measured(r, 'tls-days-left')).toMatchObject({ actual: 5, expected: 14, passed: false });
    expect(measured(r, 'TLS chain')?.passed).toBe(true);
  });

  it('passes the same certificate when 5 days are enough', async () => {
    const r = await tls(servers.soon!.url, { minDaysLeft: 5 });
    expect(r.status, r.message).toBe('passed');
  });

  it('fails an expired certificate, saying since when', async () => {
    const r = await tls(servers.expired!.url);
    expect(r.status).toBe('failed');
    expect(r.message).toMatch(/expired on \d{4}-\d\d-\d\dT[\d:.]+Z \(\d+ days ago\)/);
    expect(r.message).toContain('subject CN=expired');
    expect(measured(r, 'TLS validity')?.passed).toBe(false);
    // The date is the only problem: the chain itself verifies.
    expect(measured(r, 'TLS chain')?.passed).toBe(true);
  });

  it('fails a certificate that is not yet valid', async () => {
    const r = await tls(servers.future!.url);
    expect(r.status).toBe('failed');
    expect(r.message).toContain('not yet valid');
  });

  it('fails a certificate for another host', async () => {
    const r = await tls(servers.wrongHost!.url);
    expect(r.status).toBe('failed');
    expect(r.message).toContain('wrong host');
    expect(r.message).toContain('subject CN=wrong host');
    expect(measured(r, 'TLS name')).toMatchObject({ passed: false, actual: 'DNS:api.example.com' });
    expect(measured(r, 'TLS chain')?.passed).toBe(true);
  });

  it('fails a self-signed certificate that is not in the caFile', async () => {
    const r = await tls(servers.selfSigned!.url);
    expect(r.status).toBe('failed');
    expect(r.message).toContain('untrusted');
    expect(r.message).toContain('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(measured(r, 'TLS chain')).toMatchObject({ passed: false });
  });

  it('fails the test CA’s certificate when no caFile is declared (system CAs only)', async () => {
    const r = await tls(servers.valid!.url, { caFile: null });
    expect(r.status).toBe('failed');
    expect(r.message).toContain('untrusted: chain does not verify against the system CAs');
  });

  it('fails an expired certificate of an unknown CA as untrusted too (a date error does not hide the chain)', async () => {
    const r = await tls(servers.expiredUnknown!.url);
    expect(r.status).toBe('failed');
    expect(r.message).toContain('untrusted');
    expect(r.message).toContain('expired on');
  });

  it('errors when the caFile cannot be read', async () => {
    const r = await tls(servers.valid!.url, { caFile: path.join(dir, 'missing.pem') });
    expect(r.status).toBe('errored');
    expect(r.code).toBe('ROLLGATE_CA_BUNDLE');
  });
});

describe('tls: no certificate to judge', () => {
  it('errors on a refused connection', async () => {
    const port = await freePort();
    const r = await tls(`https://127.0.0.1:${port}`);
    expect(r.status).toBe('errored');
    expect(r.code).toBe('ROLLGATE_TARGET_UNREACHABLE');
    expect(r.message).toContain('connection refused');
  });

  it('errors when the handshake never completes (time-out)', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      await expect(observeTls('127.0.0.1', port, { timeoutMs: 300 })).rejects.toMatchObject({
        name: 'ObservationError',
        code: 'ROLLGATE_TIMEOUT',
      });
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('skips plain HTTP on loopback as not applicable only for an app rollgate started, with the reason', async () => {
    for (const base of ['http://127.0.0.1:8080', 'http://localhost:3000', 'http://[::1]:3000']) {
      const r = await tls(base, { embedded: true });
      expect(r.status, base).toBe('skipped');
      expect(r.notApplicable).toContain(LOOPBACK_HTTP);
    }
    expect(LOOPBACK_HTTP).toBe(
      'plain HTTP on loopback from an app rollgate started (a stand-in): TLS is judged where the target is HTTPS',
    );
  });

  it('fails a plain-HTTP loopback base URL given to rollgate (a port-forward to production): no certificate observed', async () => {
    for (const base of ['http://localhost:8080', 'http://127.0.0.1:8080', 'http://[::1]:3000']) {
      const r = await tls(base);
      expect(r.status, base).toBe('failed');
      expect(r.message).toContain(
        `${new URL(base).origin} is served over plain HTTP: no certificate to judge`,
      );
      expect(r.message).toContain('judge an HTTPS target, or declare tls.url with the https address');
      expect(measured(r, 'TLS scheme')).toMatchObject({ actual: 'http', expected: 'https', passed: false });
    }
  });

  it('fails a plain-HTTP tls.url, on loopback too and even when rollgate started the target', async () => {
    for (const embedded of [false, true]) {
      const r = await tls(servers.valid!.url, { url: 'http://127.0.0.1:8443', embedded });
      expect(r.status, String(embedded)).toBe('failed');
      expect(r.message).toContain('http://127.0.0.1:8443 is served over plain HTTP');
      expect(r.message).toContain('tls.url must be an https URL');
    }
  });

  it("the gate's built-in step tells the check whether rollgate started the target (default: it did not)", async () => {
    const d = declareTls();
    const { baseURL: _b, embedded: _e, ...target } = d.target;
    const context = { baseURL: 'http://127.0.0.1:8080', release: '1.2.3', target } as TargetContext;
    const ctx = {
      gate: { stage: d.stage } as ResolvedGate,
      env: {},
      root: ROOT,
      stopping: { signal: new AbortController().signal, reason: undefined },
    } as unknown as StepContext;
    const [given] = await builtinStep(context).run(ctx);
    expect([given!.id, given!.status]).toEqual(['security/tls', 'failed']);
    const [started] = await builtinStep(context, undefined, { embedded: true }).run(ctx);
    expect([started!.status, started!.notApplicable]).toEqual([
      'skipped',
      expect.stringContaining(LOOPBACK_HTTP),
    ]);
  });

  it('fails plain HTTP anywhere else, without a request', async () => {
    const r = await tls('http://example.invalid');
    expect(r.status).toBe('failed');
    expect(r.message).toContain('served over plain HTTP');
    expect(measured(r, 'TLS scheme')).toMatchObject({ actual: 'http', expected: 'https', passed: false });
  });
});
