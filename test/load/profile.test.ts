import { BlockList } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { metricOf, requiredSamples } from '../../src/checks/load/budgets.ts';
import { assertHostAllowed, assertStageAllowed, LoadRefusedError } from '../../src/checks/load/hosts.ts';
import { hiddenField } from '../../src/checks/load/login.ts';
import { nonLoopbackCidrs } from '../../src/checks/load/loopback-guard.ts';
import { loadProfileFile, parseLoadProfile } from '../../src/checks/load/profile.ts';
import { endpointSequence } from '../../src/checks/load/sequence.ts';
import { RollgateError } from '../../src/config/errors.ts';

const ROOT = join(import.meta.dirname, '../..');
const minimal = { name: 'p', endpoints: [{ path: '/a' }], duration: '2s', stages: ['canary'] };

describe('load profiles as data', () => {
  it('fills defaults: GET, weight 1, a name from method and path, 10 connections, no warm-up', () => {
    const p = parseLoadProfile(minimal);
    expect(p.endpoints[0]).toEqual({ name: 'GET /a', path: '/a', method: 'GET', weight: 1, headers: {} });
    expect(p).toMatchObject({
      connections: 10,
      duration: 2000,
      warmup: 0,
      hosts: [],
      requestTimeout: 10_000,
    });
  });

  it('reads durations as ms, s or m', () => {
    expect(parseLoadProfile({ ...minimal, duration: '1500ms', warmup: '0.5s' })).toMatchObject({
      duration: 1500,
      warmup: 500,
    });
    expect(parseLoadProfile({ ...minimal, duration: '2m' }).duration).toBe(120_000);
    expect(parseLoadProfile({ ...minimal, duration: 750 }).duration).toBe(750);
  });

  it('lists every problem at once, each with its field, as a refusal (exit 2)', () => {
    const bad = {
      ...minimal,
      name: 'Bad Name',
      endpoints: [{ path: 'no-slash' }, { path: '/a' }, { path: '/a' }],
      arrivalRate: 5,
      connections: 10,
      stages: [],
    };
    let error: unknown;
    try {
      parseLoadProfile(bad, 'load/bad.profile.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LoadRefusedError);
    expect(error).toBeInstanceOf(RollgateError);
    const msg = (error as Error).message;
    expect(msg).toContain('load/bad.profile.json: name: use lower-case letters');
    expect(msg).toContain('load/bad.profile.json: endpoints.0.path');
    expect(msg).toContain('load/bad.profile.json: stages');
    expect(msg).toContain('duplicate endpoint name "GET /a"');
    expect(msg).toContain('connections: must not exceed arrivalRate (5)');
  });

  it('loads the example profiles in load/ (TypeScript and JSON)', async () => {
    const canary = await loadProfileFile('load/canary.profile.ts', ROOT);
    expect(canary.endpoints.map((e) => e.path)).toEqual(['/api/simple-health', '/estimates', '/login']);
    expect(canary.auth?.login).toEqual({
      path: '/login',
      usernameEnv: 'SMOKE_USER',
      passwordEnv: 'SMOKE_PASSWORD',
      fields: { csrf: '_csrf', username: 'username', password: 'password' },
    });
    expect(canary.stages).toContain('canary');
    const health = await loadProfileFile('load/health.profile.json', ROOT);
    expect(health).toMatchObject({ name: 'health', duration: 2000, arrivalRate: 50, connections: 2 });
    await expect(loadProfileFile('load/none.profile.json', ROOT)).rejects.toThrow(/load profile not found/);
  });

  it('spreads weighted endpoints evenly and identically for both engines', () => {
    const names = (w: number[]) =>
      endpointSequence(w.map((weight, i) => ({ name: 'abc'[i], weight })))
        .map((e) => e.name)
        .join('');
    expect(names([3, 1])).toBe('aaba');
    expect(names([3, 1, 1])).toBe('abaca');
    expect(names([2, 4])).toBe('bab'); // reduced by the common divisor
  });
});

describe('hosts and stages a profile may load', () => {
  const p = parseLoadProfile(minimal);

  it.each([
    'http://127.0.0.1:8080/',
    'http://127.9.8.7/',
    'http://localhost:3000',
    'http://[::1]:4000/',
    'http://0x7f.1/',
  ])('loopback %s is allowed without being named', (url) => {
    expect(() => assertHostAllowed(url, p)).not.toThrow();
  });

  it.each(['http://10.0.0.5/', 'https://canary.example.com/', 'http://127.0.0.1.nip.io/', 'http://[::2]/'])(
    '%s is refused with a coded error before any request',
    (url) => {
      expect(() => assertHostAllowed(url, p)).toThrow(LoadRefusedError);
      try {
        assertHostAllowed(url, p);
      } catch (e) {
        expect((e as LoadRefusedError).loadCode).toBe('ROLLGATE_LOAD_HOST_REFUSED');
        expect((e as RollgateError).code).toBe('ROLLGATE_LOAD_HOST_REFUSED');
        expect((e as Error).message).toMatch(/refused: only loopback .* no request was made/);
      }
    },
  );

  it('a named host needs the profile AND, when it has a list, the runbook', () => {
    const named = parseLoadProfile({ ...minimal, hosts: ['canary.example.com'] });
    expect(() => assertHostAllowed('https://canary.example.com/x', named)).not.toThrow();
    expect(() =>
      assertHostAllowed('https://canary.example.com/x', named, ['canary.example.com']),
    ).not.toThrow();
    expect(() => assertHostAllowed('https://canary.example.com/x', named, [])).toThrow(
      /runbook's allowed hosts/,
    );
    expect(() => assertHostAllowed('ftp://127.0.0.1/', named)).toThrow(/not HTTP/);
  });

  it('a stage the profile does not list is refused', () => {
    expect(() => assertStageAllowed(p, 'canary')).not.toThrow();
    expect(() => assertStageAllowed(p, 'production')).toThrow(/may run in canary, not in "production"/);
  });

  it('k6 blacklistIPs covers every address except 127.0.0.0/8 and ::1', () => {
    const cidrs = nonLoopbackCidrs();
    expect(cidrs).toHaveLength(8 + 128);
    // One list per family: k6 matches with Go's net.IPNet, which never tests an IPv4 address
    // against an IPv6 network; Node's BlockList would (through ::ffff:0:0/96), so keep them apart.
    const v4 = new BlockList();
    const v6 = new BlockList();
    for (const c of cidrs) {
      const [net, prefix] = c.split('/') as [string, string];
      if (net.includes(':')) v6.addSubnet(net, Number(prefix), 'ipv6');
      else v4.addSubnet(net, Number(prefix), 'ipv4');
    }
    for (const ip of ['127.0.0.1', '127.255.255.254']) expect(v4.check(ip, 'ipv4')).toBe(false);
    expect(v6.check('::1', 'ipv6')).toBe(false);
    for (const ip of [
      '0.0.0.0',
      '10.0.0.1',
      '126.255.255.255',
      '128.0.0.1',
      '192.168.1.1',
      '255.255.255.255',
    ]) {
      expect(v4.check(ip, 'ipv4')).toBe(true);
    }
    for (const ip of ['::', '::2', '2001:db8::1', 'fe80::1']) expect(v6.check(ip, 'ipv6')).toBe(true);
  });
});

describe('budgets', () => {
  it('reads the metric from runbook budget names', () => {
    expect(metricOf({ name: 'p95-latency' })).toBe('p95');
    expect(metricOf({ name: 'latency-p99' })).toBe('p99');
    expect(metricOf({ name: 'median-latency' })).toBe('p50');
    expect(metricOf({ name: 'error-rate' })).toBe('error-rate');
    expect(metricOf({ name: 'throughput' })).toBe('throughput');
    expect(metricOf({ name: 'x', metric: 'requests' })).toBe('requests');
    expect(() => metricOf({ name: 'speed' })).toThrow(/cannot tell which load metric/);
  });

  it('a rate budget needs 3 ÷ budget samples: 3,000 for 0.1%, 600 for 0.5%', () => {
    expect(requiredSamples(0.001)).toBe(3000);
    expect(requiredSamples(0.005)).toBe(600);
    expect(requiredSamples(0.01)).toBe(300);
    expect(requiredSamples(0)).toBe(Number.POSITIVE_INFINITY);
  });

  it('finds the CSRF field of a login form in either attribute order', () => {
    expect(hiddenField('<input type="hidden" name="_csrf" value="t0k">', '_csrf')).toBe('t0k');
    expect(hiddenField("<input value='abc' name='_csrf'>", '_csrf')).toBe('abc');
    expect(hiddenField('<input name="other" value="x">', '_csrf')).toBeUndefined();
  });
});
