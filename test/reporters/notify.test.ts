import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { finish } from '../../src/cli/finish.ts';
import { RollgateError } from '../../src/config/errors.ts';
import { validateRunbook } from '../../src/config/load-runbook.ts';
import { createMasker } from '../../src/config/mask.ts';
import { resolveGate } from '../../src/config/options.ts';
import { fileStore } from '../../src/engine/store/file-store.ts';
import { Notify } from '../../src/model/notify.ts';
import type { Verdict } from '../../src/model/verdict.ts';
import { sendNotifications, webhookSecrets } from '../../src/reporters/notify.ts';
import {
  buildMessage,
  MAX_REASONS,
  notifyEvent,
  type SlackMessage,
} from '../../src/reporters/notify-message.ts';
import { makeCheck, makeVerdict } from '../unit/helpers.ts';
import { type Answer, closedPort, startReceiver } from './receiver.ts';

/** Slack's incoming-webhook URLs carry their token in the path. */
const TOKEN = 'B0NOTIFY/xT0kenXyZ9secretPart42';
const HOOK = `/services/T0ROLLGATE/${TOKEN}`;

const reasons = [
  'probes/health-live failed: GET /healthz answered 500',
  'probes/version-matches failed: 1.2.2 is not 1.2.3 <release>',
  'golden/login errored: target unreachable',
  'golden/checkout failed: timed out',
  'load/canary failed: p95-latency 812 ms violates <= 500 ms',
  'metrics/error-ratio errored: no data',
  'stage/budget-availability errored: not measured',
];
const hold = (over: Partial<Verdict> = {}) =>
  makeVerdict([makeCheck({ status: 'failed' })], { verdict: 'hold', reasons, ...over });

const receivers: Awaited<ReturnType<typeof startReceiver>>[] = [];
async function receiver(answer: (path: string) => Answer = () => ({ status: 200, body: 'ok' })) {
  const r = await startReceiver(answer);
  receivers.push(r);
  return r;
}
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

const notifyOf = (webhooks: unknown[]) => Notify.parse({ webhooks });
const mask = (t: string) => t;
const runDir = '/srv/ci/reports/runs/20260308T063000Z-abc123';

describe('the message', () => {
  it('says the verdict, runbook/stage/release, the first reasons and links the report', () => {
    const m = buildMessage(hold(), { event: 'hold', link: 'https://ci.example/runs/42?x=1&y=2' });
    expect(m.text).toBe(
      `HOLD demo/canary release 1.2.3: ${reasons[0]} (+6 more). Report: https://ci.example/runs/42?x=1&amp;y=2`,
    );
    const [head, list, context] = m.blocks;
    expect(head).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: '*HOLD* demo/canary release 1.2.3 · 1 checks: 1 failed, 0 errored' },
    });
    const lines = (list as { text: { text: string } }).text.text.split('\n');
    expect(lines).toHaveLength(MAX_REASONS + 1);
    expect(lines[0]).toBe(`• ${reasons[0]}`);
    // Slack's control characters are escaped, so a reason cannot forge a link or a mention.
    expect(lines[1]).toBe('• probes/version-matches failed: 1.2.2 is not 1.2.3 &lt;release&gt;');
    expect(lines.at(-1)).toBe('…and 2 more in the report');
    expect(JSON.stringify(context)).toContain('<https://ci.example/runs/42?x=1&y=2|Report>');
  });

  it('links a local run folder as a path when no report URL is given', () => {
    const m = buildMessage(hold(), { event: 'hold', link: runDir });
    expect(JSON.stringify(m.blocks.at(-1))).toContain(`Report: \`${runDir}\``);
    expect(m.text.endsWith(`Report: ${runDir}`)).toBe(true);
  });

  it("labels a drill stage's HOLD as a failed drill, and a PROMOTE as one", () => {
    expect(notifyEvent({ verdict: 'hold' }, true)).toBe('drill-failed');
    expect(notifyEvent({ verdict: 'hold' }, false)).toBe('hold');
    expect(notifyEvent({ verdict: 'promote' }, true)).toBe('promote');
    const drill = buildMessage(hold({ stage: 'dr' }), { event: 'drill-failed', link: runDir });
    expect(drill.text).toMatch(/^DRILL FAILED \(HOLD\) demo\/dr release 1\.2\.3: /);
    const ok = buildMessage(makeVerdict(), { event: 'promote', link: runDir });
    expect(ok.text).toBe(`PROMOTE demo/canary release 1.2.3. Report: ${runDir}`);
    expect(ok.blocks).toHaveLength(2); // no reasons block
  });
});

describe('sending to webhooks (a real local receiver)', () => {
  it('a HOLD posts exactly one Slack-compatible message with the reasons and the link', async () => {
    const r = await receiver();
    const env = { OPS_URL: r.url(HOOK), ROLLGATE_REPORT_URL: 'https://ci.example/runs/42' };
    const told = await sendNotifications({
      notify: notifyOf([{ name: 'ops', urlEnv: 'OPS_URL' }]),
      verdict: hold(),
      drill: false,
      runDir,
      env,
      mask,
    });
    expect(told).toEqual({ sent: ['ops (hold)'], warnings: [] });
    expect(r.received).toHaveLength(1);
    expect(r.received[0]!.path).toBe(HOOK);
    expect(r.received[0]!.contentType).toBe('application/json');
    const body = JSON.parse(r.received[0]!.body) as SlackMessage;
    expect(body.text).toContain('HOLD demo/canary release 1.2.3');
    for (const reason of reasons.slice(0, MAX_REASONS))
      expect(JSON.stringify(body.blocks)).toContain(reason.replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    expect(JSON.stringify(body)).toContain('https://ci.example/runs/42');
  });

  it('posts a PROMOTE only to webhooks whose `on` includes it', async () => {
    const r = await receiver();
    const env = { HOLD_URL: r.url('/hold-only'), ALL_URL: r.url('/all') };
    const told = await sendNotifications({
      notify: notifyOf([
        { name: 'holds', urlEnv: 'HOLD_URL' },
        { name: 'all', urlEnv: 'ALL_URL', on: ['hold', 'promote'] },
      ]),
      verdict: makeVerdict(),
      drill: false,
      runDir,
      env,
      mask,
    });
    expect(told.sent).toEqual(['all (promote)']);
    expect(r.received.map((x) => x.path)).toEqual(['/all']);
    expect((JSON.parse(r.received[0]!.body) as SlackMessage).text).toMatch(/^PROMOTE demo\/canary/);
  });

  it("tells a drill stage's HOLD to webhooks on 'drill-failed', labelled as a failed drill, and only to the stages a webhook names", async () => {
    const r = await receiver();
    const env = { HOLD_URL: r.url('/hold'), DRILL_URL: r.url('/drill'), OTHER_URL: r.url('/other') };
    const told = await sendNotifications({
      notify: notifyOf([
        { name: 'holds', urlEnv: 'HOLD_URL', on: ['hold'] },
        { name: 'drills', urlEnv: 'DRILL_URL', on: ['drill-failed'], stages: ['dr'] },
        { name: 'other', urlEnv: 'OTHER_URL', on: ['drill-failed'], stages: ['canary'] },
      ]),
      verdict: hold({ stage: 'dr' }),
      drill: true,
      runDir,
      env,
      mask,
    });
    expect(told.sent).toEqual(['drills (failed drill)']);
    expect(r.received.map((x) => x.path)).toEqual(['/drill']);
    expect((JSON.parse(r.received[0]!.body) as SlackMessage).text).toMatch(/^DRILL FAILED \(HOLD\) demo\/dr/);
  });

  it('a receiver answering 500 is retried once, then a warning says so, without the URL', async () => {
    const r = await receiver(() => ({ status: 500, body: `no_service for ${HOOK}` }));
    const verdict = hold();
    const before = structuredClone(verdict);
    const told = await sendNotifications({
      notify: notifyOf([{ name: 'ops', urlEnv: 'OPS_URL' }]),
      verdict,
      drill: false,
      runDir,
      env: { OPS_URL: r.url(HOOK) },
      mask,
    });
    expect(r.received).toHaveLength(2);
    expect(told.sent).toEqual([]);
    expect(told.warnings).toHaveLength(1);
    expect(told.warnings[0]).toMatch(
      /^webhook "ops" \(OPS_URL\): not told of this hold: answered 500 \(no_service for \*\*\*\) \(2 attempts\)\. The verdict stands\.$/,
    );
    expect(told.warnings[0]).not.toContain('xT0ken');
    expect(verdict).toEqual(before);
  });

  it('a 4xx is not retried (it would answer the same)', async () => {
    const r = await receiver(() => ({ status: 404, body: 'no_team' }));
    const told = await sendNotifications({
      notify: notifyOf([{ name: 'ops', urlEnv: 'OPS_URL' }]),
      verdict: hold(),
      drill: false,
      runDir,
      env: { OPS_URL: r.url(HOOK) },
      mask,
    });
    expect(r.received).toHaveLength(1);
    expect(told.warnings[0]).toContain('answered 404 (no_team). The verdict stands.');
  });

  it('a receiver that never answers times out, twice; a refused connection says so', async () => {
    const r = await receiver(() => 'hang');
    const port = await closedPort();
    const told = await sendNotifications({
      notify: notifyOf([
        { name: 'slow', urlEnv: 'SLOW_URL', timeoutMs: 200 },
        { name: 'gone', urlEnv: 'GONE_URL', timeoutMs: 200 },
      ]),
      verdict: hold(),
      drill: false,
      runDir,
      env: { SLOW_URL: r.url(HOOK), GONE_URL: `http://127.0.0.1:${port}${HOOK}` },
      mask,
    });
    expect(r.received).toHaveLength(2);
    expect([...told.warnings].sort()).toEqual([
      'webhook "gone" (GONE_URL): not told of this hold: connection refused (2 attempts). The verdict stands.',
      'webhook "slow" (SLOW_URL): not told of this hold: no answer within 200 ms (2 attempts). The verdict stands.',
    ]);
  });

  it('an unset or unusable variable is a warning naming it, never a crash, and nothing is sent', async () => {
    const told = await sendNotifications({
      notify: notifyOf([
        { name: 'unset', urlEnv: 'UNSET_URL' },
        { name: 'odd', urlEnv: 'ODD_URL' },
      ]),
      verdict: hold(),
      drill: false,
      runDir,
      env: { ODD_URL: `hooks.example/${TOKEN}` },
      mask,
    });
    expect(told.sent).toEqual([]);
    expect(told.warnings).toEqual([
      `webhook "unset" (UNSET_URL): UNSET_URL is not set, so it was not told of this hold; set it to the webhook's URL. The verdict stands.`,
      'webhook "odd" (ODD_URL): ODD_URL does not hold an http(s) URL, so it was not told of this hold. The verdict stands.',
    ]);
  });

  it('masks the URL and its path (the token) wherever a message quotes them', () => {
    const env = { OPS_URL: `https://hooks.example${HOOK}` };
    const m = createMasker(webhookSecrets(notifyOf([{ name: 'ops', urlEnv: 'OPS_URL' }]), env));
    expect(m(`posting to ${env.OPS_URL} failed`)).toBe('posting to *** failed');
    expect(m(`no_service: ${HOOK}`)).toBe('no_service: ***');
    expect(m(`no_service: ${encodeURIComponent(HOOK)}`)).toBe('no_service: ***');
  });
});

describe('a webhook that fails changes nothing (finish, as the gate calls it)', () => {
  /** The verdict recorded once without webhooks and once with a receiver answering 500. */
  async function record(verdict: Verdict, notify?: Notify) {
    const reports = mkdtempSync(path.join(tmpdir(), 'rollgate-notify-'));
    const runbook = validateRunbook('notify.runbook.ts', {
      name: 'demo',
      targets: { app: { baseURL: 'http://127.0.0.1:9', health: { live: '/healthz' } } },
      stages: { canary: { target: 'app', checks: ['health'] } },
    });
    const gate = resolveGate(runbook, 'canary', { release: '1.2.3' }, { ROLLGATE_REPORTS_DIR: reports });
    const runDir = path.join(reports, 'runs', verdict.runId);
    mkdirSync(runDir, { recursive: true });
    const store = fileStore(reports);
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    // Captured, not replaced in effect: finish's warnings are what this test reads.
    process.stderr.write = ((chunk: string) => {
      stderr.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      const code = await finish({
        verdict,
        runDir,
        gate,
        store,
        mask,
        render: () => '',
        what: 'the verdict or the ledger',
        notify,
      });
      return { code, json: readFileSync(path.join(runDir, 'verdict.json'), 'utf8'), stderr: stderr.join('') };
    } finally {
      process.stderr.write = write;
      await store.close();
    }
  }

  it.each([
    ['PROMOTE', makeVerdict(), 0],
    ['HOLD', hold(), 1],
  ] as const)(
    'a %s: same exit code, same verdict.json, and a warning on stderr',
    async (_what, verdict, code) => {
      const r = await receiver(() => ({ status: 500 }));
      process.env.ROLLGATE_TEST_BROKEN_HOOK = r.url(HOOK);
      try {
        const without = await record(verdict);
        const withBroken = await record(
          verdict,
          notifyOf([{ name: 'broken', urlEnv: 'ROLLGATE_TEST_BROKEN_HOOK', on: ['hold', 'promote'] }]),
        );
        expect(without.code).toBe(code);
        expect(withBroken.code).toBe(code);
        expect(withBroken.json).toBe(without.json);
        expect(r.received).toHaveLength(2);
        expect(withBroken.stderr).toMatch(
          /rollgate: webhook "broken" \(ROLLGATE_TEST_BROKEN_HOOK\): not told of this (hold|promote): answered 500 \(2 attempts\)\. The verdict stands\./,
        );
        expect(withBroken.stderr).not.toContain('xT0ken');
      } finally {
        delete process.env.ROLLGATE_TEST_BROKEN_HOOK;
      }
    },
  );
});

describe('the runbook field', () => {
  const base = {
    name: 'demo',
    targets: { app: { baseURL: 'http://127.0.0.1:9', health: { live: '/healthz' } } },
    stages: { canary: { target: 'app', checks: ['health'] } },
  };
  const problems = (notify: unknown) => {
    try {
      validateRunbook('shop.runbook.ts', { ...base, notify });
    } catch (error) {
      expect(error).toBeInstanceOf(RollgateError);
      return (error as Error).message;
    }
    throw new Error('the runbook was accepted');
  };
  const literal = `https://hooks.slack.com${HOOK}`;

  it('defaults `on` to HOLDs and failed drills, with a 10 s time-out', () => {
    const rb = validateRunbook('shop.runbook.ts', {
      ...base,
      notify: { webhooks: [{ name: 'ops', urlEnv: 'SLACK_WEBHOOK_URL' }] },
    });
    expect(rb.notify?.webhooks[0]).toEqual({
      name: 'ops',
      urlEnv: 'SLACK_WEBHOOK_URL',
      on: ['hold', 'drill-failed'],
      timeoutMs: 10_000,
    });
  });

  it('refuses a literal URL with the fix, never quoting it', () => {
    const msg = problems({ webhooks: [{ name: 'ops', url: literal }] });
    expect(msg).toContain(
      "shop.runbook.ts: notify.webhooks.0.url: a webhook URL is a secret and is never written in the runbook: put it in an environment variable (for example SLACK_WEBHOOK_URL) and name that variable with urlEnv: 'SLACK_WEBHOOK_URL'",
    );
    const inEnvName = problems({ webhooks: [{ name: 'ops', urlEnv: literal }] });
    expect(inEnvName).toContain(
      'notify.webhooks.0.urlEnv: must name an environment variable such as SLACK_WEBHOOK_URL, never hold the URL itself',
    );
    for (const m of [msg, inEnvName]) expect(m).not.toContain('xT0ken');
  });

  it('refuses a name used twice and a stage not declared', () => {
    const msg = problems({
      webhooks: [
        { name: 'ops', urlEnv: 'A_URL', stages: ['canery'] },
        { name: 'ops', urlEnv: 'B_URL' },
      ],
    });
    expect(msg).toContain(
      'notify.webhooks.0.stages.0: names stage "canery", which is not declared; use one of: canary',
    );
    expect(msg).toContain('notify.webhooks.1.name: "ops" is declared twice');
  });

  it('refuses an unknown kind of verdict, naming the ones there are', () => {
    expect(problems({ webhooks: [{ name: 'ops', urlEnv: 'A_URL', on: ['hodl'] }] })).toMatch(
      /notify\.webhooks\.0\.on\.0: .*did you mean `hold`\?/,
    );
  });
});
