import { createHash, createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RollgateError } from '../../src/config/errors.ts';
import {
  DsseEnvelope,
  Statement,
  TestResultPredicate,
  VerdictPredicate,
} from '../../src/model/attestation.ts';
import { parsePublicKey } from '../../src/reporters/bundle/keys.ts';
import { readBundle } from '../../src/reporters/bundle/read-bundle.ts';
import { sha256Hex, testResultStatement } from '../../src/reporters/bundle/statements.ts';
import { verifyBundle } from '../../src/reporters/bundle/verify-bundle.ts';
import { tempDirs, thrown } from '../hygiene/helpers.ts';
import { locateIn } from '../hygiene/secret-search.ts';
import { cliIn } from '../unit/cli-in.ts';
import { makeCheck, makeVerdict } from '../unit/helpers.ts';
import { GIT_SHA, plantRun, rawTar, recomputeChecksum, repack } from './helpers.ts';

const dirs = tempDirs('rollgate-bundle-');
afterAll(() => {
  vi.unstubAllEnvs();
  dirs.cleanup();
});

/** The project folder of these tests: reports/ under it, and the team's and another key pair. */
let root: string;
let team: { key: string; pub: string };
let other: { key: string; pub: string };

async function keygen(out: string) {
  const r = await cliIn(root, ['bundle', 'keygen', '--out', out]);
  expect(r.code, r.err).toBe(0);
  return { key: path.join(out, 'rollgate-signing.key.pem'), pub: path.join(out, 'rollgate-signing.pub.pem') };
}

/** The statement inside an envelope file's text. */
function statementOf(envelopeText: string | Buffer) {
  const env = DsseEnvelope.parse(JSON.parse(envelopeText.toString()));
  return Statement.parse(JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8')));
}

const verifyWith = async (file: string, pub?: string) =>
  verifyBundle(
    await readBundle(file),
    pub ? { key: parsePublicKey(readFileSync(pub, 'utf8'), pub), from: pub } : undefined,
  );

beforeAll(async () => {
  // Nothing from the machine running the tests: no key, no ledger URL.
  for (const v of [
    'ROLLGATE_SIGNING_KEY',
    'ROLLGATE_SIGNING_KEY_FILE',
    'ROLLGATE_VERIFY_KEY',
    'ROLLGATE_LEDGER_URL',
  ])
    vi.stubEnv(v, '');
  root = dirs.make();
  team = await keygen(path.join(root, 'keys'));
  other = await keygen(path.join(root, 'other-keys'));
});

describe('rollgate bundle keygen', () => {
  it('writes an ed25519 pair, the private key 0600, and refuses to replace it', async () => {
    expect(statSync(team.key).mode & 0o777).toBe(0o600);
    expect(readFileSync(team.pub, 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const again = await cliIn(root, ['keygen', '--out', path.join(root, 'keys')]);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/already exists; nothing was written.*--force/);
  });
});

describe('rollgate bundle <run-id> and --verify', () => {
  let bundle: string;
  let runId: string;

  beforeAll(async () => {
    runId = '20260308T063000Z-fresh1';
    await plantRun(path.join(root, 'reports'), { runId });
    const made = await cliIn(root, ['bundle', runId, '--key', team.key]);
    expect(made.code, made.err).toBe(0);
    bundle = path.join(root, 'reports', 'bundles', `rollgate-${runId}.tar.gz`);
    expect(made.out).toContain(`bundle reports/bundles/rollgate-${runId}.tar.gz`);
    expect(made.out).toContain('left out: runs/20260308T063000Z-fresh1/raw/');
    expect(made.out).toContain(
      'left out: runs/20260308T063000Z-fresh1/demo.sqlite: not evidence a bundle holds',
    );
  });

  it('a fresh bundle verifies against the team key and says what it attests', async () => {
    const r = await cliIn(root, ['bundle', '--verify', bundle, '--key', team.pub]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('ok checksums:');
    expect(r.out).toMatch(/ok signatures: 2 DSSE envelopes/);
    expect(r.out).toContain('ok summary: lists exactly the 1 stage statements present');
    expect(r.out).toContain('ok subjects:');
    expect(r.out).toContain(`attests: PROMOTE demo/canary release 1.2.3, run ${runId}`);
    expect(r.out).toContain(`runbook git: ${GIT_SHA}`);
    expect(r.out).toMatch(/\nVALID$/);
  });

  it('holds the run files, the checksums, and a Test Result statement per stage run', async () => {
    const b = await readBundle(bundle);
    expect(b.top).toBe(`rollgate-bundle-${runId}`);
    const names = [...b.files.keys()].sort();
    for (const f of [
      'verdict.json',
      'junit.xml',
      'evidence/screenshot.png',
      'evidence/response.txt',
      'playwright/golden/trace.zip',
    ])
      expect(names).toContain(`runs/${runId}/${f}`);
    expect(names.some((n) => n.startsWith(`runs/${runId}/allure-results/`))).toBe(true);
    expect(names.some((n) => n.includes('/raw/') || n.endsWith('demo.sqlite'))).toBe(false);
    const checksums = b.files.get('checksums.sha256')!.content!.toString();
    expect(checksums.trim().split('\n')).toHaveLength(names.length - 1);
    const s = statementOf(b.files.get(`attestations/${runId}.dsse.json`)!.content!);
    expect(s.predicateType).toBe('https://in-toto.io/attestation/test-result/v0.1');
    const p = TestResultPredicate.parse(s.predicate);
    expect(p).toMatchObject({
      result: 'WARNED',
      passedTests: ['probes/version', 'golden/checkout'],
      warnedTests: ['probes/flaky'],
      failedTests: [],
    });
    expect(p.configuration[0]).toMatchObject({ name: 'demo', digest: { gitCommit: GIT_SHA } });
    expect(s.subject[0]).toMatchObject({
      name: 'demo/canary@1.2.3',
      digest: { sha256: sha256Hex('demo/canary@1.2.3') },
    });
    expect(s.subject.find((x) => x.name === `runs/${runId}/verdict.json`)?.digest.sha256).toBe(
      b.files.get(`runs/${runId}/verdict.json`)!.sha256,
    );
    // The envelope is DSSE as the spec writes it: ed25519 over PAE, built here independently.
    const env = DsseEnvelope.parse(
      JSON.parse(b.files.get(`attestations/${runId}.dsse.json`)!.content!.toString()),
    );
    const body = Buffer.from(env.payload, 'base64');
    const pae = Buffer.concat([
      Buffer.from(`DSSEv1 ${env.payloadType.length} ${env.payloadType} ${body.length} `),
      body,
    ]);
    const pub = createPublicKey(readFileSync(team.pub));
    expect(env.signatures[0]!.keyid).toBe(
      createHash('sha256')
        .update(pub.export({ type: 'spki', format: 'der' }))
        .digest('hex'),
    );
    expect(cryptoVerify(null, pae, pub, Buffer.from(env.signatures[0]!.sig, 'base64'))).toBe(true);
    const summary = statementOf(b.files.get('attestations/summary.dsse.json')!.content!);
    expect(summary.predicateType).toBe('https://rollgate.dev/attestation/verdict/v1');
    expect(summary.subject.map((x) => x.name).sort()).toEqual([
      `attestations/${runId}.dsse.json`,
      'manifest.json',
    ]);
    expect(VerdictPredicate.parse(summary.predicate)).toMatchObject({
      verdict: 'promote',
      runId,
      release: '1.2.3',
    });
  });

  it('one changed byte in any file is rejected, naming the file', async () => {
    const names = [...(await readBundle(bundle)).files.keys()];
    expect(names.length).toBeGreaterThan(8);
    for (const [i, name] of names.entries()) {
      const out = await repack(bundle, path.join(dirs.make(), `byte-${i}.tar.gz`), (top) => {
        const file = path.join(top, name);
        const bytes = readFileSync(file);
        const at = bytes.length >> 1;
        bytes.writeUInt8(bytes.readUInt8(at) ^ 0x01, at);
        writeFileSync(file, bytes);
      });
      const report = await verifyWith(out, team.pub);
      expect(report.valid, name).toBe(false);
      expect(report.problems.join('\n'), name).toContain(name);
    }
  });

  it('a missing file and an extra one are each named', async () => {
    const gone = `runs/${runId}/junit.xml`;
    const out = await repack(bundle, path.join(dirs.make(), 'missing-extra.tar.gz'), (top) => {
      rmSync(path.join(top, gone));
      writeFileSync(path.join(top, `runs/${runId}/evidence/added.txt`), 'not from the run');
    });
    const report = await verifyWith(out, team.pub);
    expect(report.problems).toEqual([
      `${gone}: missing (listed in checksums.sha256)`,
      `runs/${runId}/evidence/added.txt: extra (not in checksums.sha256)`,
      `attestations/${runId}.dsse.json: attests ${gone}, which the bundle does not hold`,
      `runs/${runId}/evidence/added.txt: a run file no statement attests`,
    ]);
  });

  it('a changed file with its checksum recomputed still fails: the statement attests the old digest', async () => {
    const rel = `runs/${runId}/evidence/response.txt`;
    const out = await repack(bundle, path.join(dirs.make(), 'recomputed.tar.gz'), (top) => {
      writeFileSync(path.join(top, rel), 'HTTP/1.1 200 OK\n');
      recomputeChecksum(top, rel, sha256Hex('HTTP/1.1 200 OK\n'));
    });
    const report = await verifyWith(out, team.pub);
    expect(report.valid).toBe(false);
    expect(report.problems).toEqual([
      `${rel}: changed (its sha256 is not the one attestations/${runId}.dsse.json attests)`,
    ]);
  });

  it('a bundle signed by another key is rejected when --key is the team’s; without a key it proves integrity only', async () => {
    const forged = path.join(dirs.make(), 'forged.tar.gz');
    vi.stubEnv('ROLLGATE_SIGNING_KEY_FILE', other.key);
    const made = await cliIn(root, ['bundle', runId, '--out', forged]);
    vi.stubEnv('ROLLGATE_SIGNING_KEY_FILE', '');
    expect(made.code, made.err).toBe(0);
    expect(made.out).toContain(`(from ${other.key})`);
    const r = await cliIn(root, ['bundle', '--verify', forged, '--key', team.pub]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/FAIL attestations\/summary\.dsse\.json: signature: not signed by key/);
    expect(r.err).toMatch(
      new RegExp(`FAIL attestations/${runId}\\.dsse\\.json: signature: not signed by key`),
    );
    expect(r.err).toMatch(/INVALID: 2 problems$/);
    // The team's key from the environment, as CI would give it: the same refusal.
    vi.stubEnv('ROLLGATE_VERIFY_KEY', readFileSync(team.pub, 'utf8'));
    const fromEnv = await cliIn(root, ['bundle', '--verify', forged]);
    vi.stubEnv('ROLLGATE_VERIFY_KEY', '');
    expect(fromEnv.code).toBe(1);
    expect(fromEnv.err).toContain('(ROLLGATE_VERIFY_KEY)');
    expect(fromEnv.err).toMatch(/INVALID: 2 problems$/);
    const noKey = await cliIn(root, ['bundle', '--verify', forged]);
    expect(noKey.code).toBe(0);
    expect(noKey.out).toContain('this proves the bundle is intact, NOT who signed it');
    expect(noKey.out).toMatch(/VALID \(integrity only: no key was given\)$/);
  });

  it('a tampered statement payload with a re-computed checksum still fails the signature', async () => {
    const rel = `attestations/${runId}.dsse.json`;
    const out = await repack(bundle, path.join(dirs.make(), 'tampered.tar.gz'), (top) => {
      const file = path.join(top, rel);
      const env = JSON.parse(readFileSync(file, 'utf8'));
      const statement = JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8'));
      statement.predicate.result = 'PASSED';
      statement.predicate.warnedTests = [];
      env.payload = Buffer.from(JSON.stringify(statement)).toString('base64');
      const text = `${JSON.stringify(env, null, 2)}\n`;
      writeFileSync(file, text);
      recomputeChecksum(top, rel, sha256Hex(text));
    });
    const report = await verifyWith(out, team.pub);
    expect(report.valid).toBe(false);
    expect(report.checked.some((c) => c.startsWith('checksums:'))).toBe(true); // the checksums agree
    expect(report.problems).toContain(
      `${rel}: signature: the signature by key ${readKeyId(report.trust)}… does not match the payload (changed after signing)`,
    );
    expect(report.problems).toContain(
      `${rel}: changed (its sha256 is not the one attestations/summary.dsse.json attests)`,
    );
  });

  it('no signing key: exit 2 saying how to give one', async () => {
    const r = await cliIn(root, ['bundle', runId]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('no signing key: pass --key <private-key.pem>, or set ROLLGATE_SIGNING_KEY');
    expect(r.err).toContain('ROLLGATE_KEY_UNUSABLE; nothing was run');
    const pub = await cliIn(root, ['bundle', runId, '--key', team.pub]);
    expect(pub.code).toBe(2);
    expect(pub.err).toContain('it is a public key; signing needs the private one');
  });

  it('an unknown run is exit 2 naming the newest runs', async () => {
    const r = await cliIn(root, ['bundle', '20990101T000000Z-none', '--key', team.key]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no such run \(no verdict\.json\)\. Newest runs: .*20260308T063000Z-fresh1/);
    expect((await cliIn(root, ['bundle', '../escape', '--key', team.key])).err).toContain('is not a run id');
  });
});

/** The 16 hex digits of the key id a trust line names. */
function readKeyId(trust: string): string {
  return /key ([0-9a-f]{16})…/.exec(trust)![1]!;
}

describe('stages a verdict relied on (requires)', () => {
  it('attests the latest PROMOTE of each required stage whose run folder is there, and names the one that is not', async () => {
    const reports = path.join(root, 'reports');
    await plantRun(reports, { runId: '20260309T060000Z-stg001', stage: 'staging', verdict: 'hold' });
    await plantRun(reports, { runId: '20260309T061000Z-stg002', stage: 'staging' });
    await plantRun(reports, { runId: '20260309T061500Z-stg003', stage: 'staging', release: '1.2.2' });
    const canary = await plantRun(reports, { runId: '20260309T062000Z-can001', stage: 'canary' });
    const requires = (stage: string) =>
      makeCheck({
        id: `requires/${stage}`,
        title: `${stage} promoted release 1.2.3`,
        kind: 'harness',
        suite: 'rollgate',
      });
    await plantRun(reports, {
      runId: '20260309T063000Z-prod01',
      stage: 'production',
      checks: [
        requires('staging'),
        requires('canary'),
        makeCheck({
          id: 'requires/drill',
          title: 'a passing dr drill within 7d',
          kind: 'harness',
          suite: 'rollgate',
        }),
      ],
    });
    // A later staging PROMOTE: after the production run, so not what it relied on.
    await plantRun(reports, { runId: '20260309T064000Z-stg004', stage: 'staging' });
    rmSync(canary.runDir, { recursive: true }); // pruned by retention
    const r = await cliIn(root, ['bundle', '20260309T063000Z-prod01', '--key', team.key]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(
      'statements: production run 20260309T063000Z-prod01 PROMOTE; staging run 20260309T061000Z-stg002 PROMOTE',
    );
    expect(r.out).toMatch(
      /not available: canary: PROMOTE run 20260309T062000Z-can001 .*has no readable run folder/,
    );
    const file = path.join(reports, 'bundles', 'rollgate-20260309T063000Z-prod01.tar.gz');
    const v = await cliIn(root, ['bundle', '--verify', file, '--key', team.pub]);
    expect(v.code, v.err).toBe(0);
    expect(v.out).toContain('ok summary: lists exactly the 2 stage statements present');
    expect(v.out).toContain('stage run: staging 20260309T061000Z-stg002 PROMOTE');
    expect(v.out).toContain('not available: canary: PROMOTE run 20260309T062000Z-can001');
    const b = await readBundle(file);
    expect(b.files.has('runs/20260309T061000Z-stg002/verdict.json')).toBe(true);
    expect(
      statementOf(b.files.get('attestations/20260309T061000Z-stg002.dsse.json')!.content!).subject[0]!.name,
    ).toBe('demo/staging@1.2.3');
  });

  it('a statement the summary does not list is rejected', async () => {
    const reports = path.join(root, 'reports');
    const file = path.join(reports, 'bundles', 'rollgate-20260309T063000Z-prod01.tar.gz');
    const out = await repack(file, path.join(dirs.make(), 'extra.tar.gz'), (top) => {
      const rel = 'attestations/20260309T061000Z-stg002.dsse.json';
      writeFileSync(path.join(top, 'attestations/copy.dsse.json'), readFileSync(path.join(top, rel)));
      const sum = path.join(top, 'checksums.sha256');
      writeFileSync(
        sum,
        `${readFileSync(sum, 'utf8')}${sha256Hex(readFileSync(path.join(top, rel)))}  attestations/copy.dsse.json\n`,
      );
    });
    const report = await verifyWith(out, team.pub);
    expect(report.problems).toEqual(['attestations/copy.dsse.json: a statement the summary does not list']);
  });
});

describe('reading a bundle is safe', () => {
  const top = 'rollgate-bundle-x';
  const cases: [string, Parameters<typeof rawTarFile>[0], RegExp][] = [
    [
      'a symbolic link',
      [{ path: `${top}/runs/x/link`, type: 'SymbolicLink', linkpath: '/etc/passwd' }],
      /is a SymbolicLink/,
    ],
    [
      'a hard link',
      [{ path: `${top}/runs/x/hard`, type: 'Link', linkpath: `${top}/manifest.json` }],
      /is a Link/,
    ],
    ['a `..` path', [{ path: `${top}/../../evil.sh`, body: 'x' }], /has a `\.\.` in the path/],
    ['an absolute path', [{ path: '/tmp/evil.sh', body: 'x' }], /has an absolute path/],
    [
      'two top folders',
      [
        { path: `${top}/a`, body: 'x' },
        { path: 'other/b', body: 'y' },
      ],
      /more than one top folder/,
    ],
    [
      'a path twice',
      [
        { path: `${top}/a`, body: 'x' },
        { path: `${top}/a`, body: 'y' },
      ],
      /appears twice/,
    ],
  ];
  for (const [what, entries, why] of cases)
    it(`refuses ${what} (exit 2, nothing extracted)`, async () => {
      const file = rawTarFile(entries);
      const error = await thrown(() => readBundle(file));
      expect(error).toBeInstanceOf(RollgateError);
      expect((error as RollgateError).code).toBe('ROLLGATE_BUNDLE_UNREADABLE');
      expect(error.message).toMatch(why);
    });

  it('stops at the size limits, and calls a file that is not gzip no bundle (exit 2)', async () => {
    const file = rawTarFile([{ path: `${top}/big`, body: 'x'.repeat(4096) }]);
    const limits = { maxEntries: 10, maxFileBytes: 1024, maxTotalBytes: 1 << 20, maxKeptBytes: 1024 };
    expect((await thrown(() => readBundle(file, limits))).message).toMatch(
      /"big" is 4096 bytes, over the 1024-byte limit/,
    );
    const total = { ...limits, maxFileBytes: 1 << 20, maxTotalBytes: 2048 };
    expect((await thrown(() => readBundle(file, total))).message).toMatch(/more than 2048 bytes in all/);
    const plain = path.join(dirs.make(), 'not-a-bundle.tar.gz');
    writeFileSync(plain, 'just text');
    const r = await cliIn(root, ['bundle', '--verify', plain]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('not a gzip file; not a bundle rollgate can verify');
  });
});

function rawTarFile(entries: Parameters<typeof rawTar>[0]): string {
  const file = path.join(dirs.make(), 'raw.tar.gz');
  writeFileSync(file, rawTar(entries));
  return file;
}

describe('secrets', () => {
  it('the bundle adds none: run secrets stay masked, the key and the job’s secret variables never get in', async () => {
    const SECRET = 'planted-s3cret "pw" +&%';
    const JOB_SECRET = 'job-only-secret-value-42';
    const reports = path.join(root, 'reports');
    await plantRun(reports, { runId: '20260310T060000Z-sec001', secrets: [SECRET], plant: SECRET });
    const pem = readFileSync(team.key, 'utf8');
    // The private key's base64 body: what a leak of the key would contain in any encoding.
    const keyBody = pem
      .split('\n')
      .filter((l) => l && !l.startsWith('-----'))
      .join('');
    vi.stubEnv('ROLLGATE_SIGNING_KEY', pem);
    vi.stubEnv('SMOKE_PASSWORD', JOB_SECRET);
    try {
      const r = await cliIn(root, ['bundle', '20260310T060000Z-sec001']);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toContain('(from ROLLGATE_SIGNING_KEY)');
      expect(`${r.out}${r.err}`).not.toContain(keyBody);
    } finally {
      vi.stubEnv('ROLLGATE_SIGNING_KEY', '');
      vi.stubEnv('SMOKE_PASSWORD', '');
    }
    const bytes = readFileSync(path.join(reports, 'bundles', 'rollgate-20260310T060000Z-sec001.tar.gz'));
    // The search reaches inside: gunzipped, then a statement payload base64-decoded.
    const reach = locateIn(bytes, 'https://in-toto.io/attestation/test-result/v0.1', 'bundle');
    expect(reach.some((w) => w.includes('(gunzipped)') && w.includes('(base64'))).toBe(true);
    expect(locateIn(bytes, '***', 'bundle').length).toBeGreaterThan(0); // the masked evidence is there
    for (const secret of [SECRET, JOB_SECRET, keyBody, keyBody.slice(-24)])
      expect(locateIn(bytes, secret, 'bundle'), secret).toEqual([]);
  });
});

describe('the Test Result predicate of a stage run', () => {
  it('a HOLD is FAILED with its blocking failures; what did not simply pass and did not hold is warned', () => {
    const checks = [
      makeCheck({ id: 'a', status: 'passed' }),
      makeCheck({ id: 'b', status: 'failed' }),
      makeCheck({ id: 'c', status: 'errored' }),
      makeCheck({ id: 'd', status: 'failed', blocking: false }),
      makeCheck({ id: 'e', status: 'waived' }),
      makeCheck({ id: 'f', status: 'skipped', notApplicable: 'plain HTTP' }),
    ];
    const hold = TestResultPredicate.parse(
      testResultStatement(makeVerdict(checks, { verdict: 'hold' }), undefined, []).predicate,
    );
    expect(hold).toMatchObject({
      result: 'FAILED',
      passedTests: ['a'],
      failedTests: ['b', 'c'],
      warnedTests: ['d', 'e', 'f'],
    });
    // No git revision recorded: no digest is made up for the runbook, and it says so.
    expect(hold.configuration).toEqual([
      { name: 'demo', annotations: { kind: 'runbook', stage: 'canary', git: 'not recorded by the run' } },
    ]);
    const clean = testResultStatement(makeVerdict([makeCheck({ id: 'a' })]), undefined, []);
    expect(TestResultPredicate.parse(clean.predicate).result).toBe('PASSED');
  });
});
