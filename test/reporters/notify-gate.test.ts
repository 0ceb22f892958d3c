import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Verdict } from '../../src/model/verdict.ts';
import type { SlackMessage } from '../../src/reporters/notify-message.ts';
import { readVerdict, rollgate, tempReports } from '../e2e/helpers.ts';
import { locateSecret } from '../hygiene/secret-search.ts';
import { startReceiver } from './receiver.ts';

const RUNBOOK = 'test/fixtures/runbooks/notify.runbook.ts';
/** In the path, where Slack puts it. */
const TOKEN = 'xoxNotifyGateT0ken9f3a';
const OPS = `/services/T0OPS/B0OPS/${TOKEN}`;
const BROKEN = `/services/T0OPS/B0BROKEN/${TOKEN}-b`;

/**
 * One gate of the fixture runbook (a health probe against a server this test runs, which answers
 * 500: a HOLD) with `--json` and NO_COLOR=1; the same server receives both webhooks.
 */
describe('a HOLD through the CLI: notified, --json, NO_COLOR', () => {
  let server: Awaited<ReturnType<typeof startReceiver>>;
  let reports: string;
  let r: Awaited<ReturnType<typeof rollgate>>;

  beforeAll(async () => {
    server = await startReceiver((p) =>
      p === '/healthz'
        ? { status: 500, body: 'database down' }
        : p === OPS
          ? { status: 200, body: 'ok' }
          : { status: 500, body: `no_service ${BROKEN}` },
    );
    reports = tempReports();
    r = await rollgate(
      ['gate', 'check', '--runbook', RUNBOOK, '--base-url', server.base, '--release', '1.0.0', '--json'],
      {
        ROLLGATE_REPORTS_DIR: reports,
        NOTIFY_OPS_WEBHOOK_URL: server.url(OPS),
        NOTIFY_BROKEN_WEBHOOK_URL: server.url(BROKEN),
        NO_COLOR: '1',
      },
    );
  });
  afterAll(() => server?.close());

  test('HOLDs with exit 1, and stdout is the verdict alone: parseable JSON equal to verdict.json', () => {
    expect(r.exitCode, r.all).toBe(1);
    const printed = Verdict.parse(JSON.parse(r.stdout));
    expect(printed).toEqual(readVerdict(reports));
    expect(printed.verdict).toBe('hold');
    expect(printed.reasons[0]).toMatch(/^probes\/health-live failed: /);
    // Everything a person reads went to stderr: the table and the verdict line.
    expect(r.stderr).toMatch(/^ {2}✘ failed {2}probes\/health-live /m);
    expect(r.stderr).toMatch(/^HOLD notify\/check release 1\.0\.0$/m);
  });

  test('posts exactly one message to the webhook that answers, with the reasons and the link to the run', () => {
    const told = server.to(OPS);
    expect(told).toHaveLength(1);
    const message = JSON.parse(told[0]!.body) as SlackMessage;
    const v = readVerdict(reports);
    const runDir = path.join(reports, 'runs', v.runId);
    expect(message.text).toBe(
      `HOLD notify/check release 1.0.0: ${v.reasons[0]!.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}. Report: ${runDir}`,
    );
    expect(JSON.stringify(message.blocks)).toContain(`Report: \`${runDir}\``);
    expect(r.stderr).toContain('notified ops (hold)');
  });

  test('the webhook answering 500 was tried twice, a warning says so, and the verdict is the same', () => {
    expect(server.to(BROKEN)).toHaveLength(2);
    expect(r.stderr).toMatch(
      /^rollgate: webhook "broken" \(NOTIFY_BROKEN_WEBHOOK_URL\): not told of this hold: answered 500 \(no_service \*\*\*\) \(2 attempts\)\. The verdict stands\.$/m,
    );
    expect(readFileSync(path.join(reports, 'latest', 'verdict.json'), 'utf8')).not.toMatch(
      /webhook|notified/i,
    );
  });

  test('the webhook URLs appear in no file the run left, nor in its output', () => {
    expect(readdirSync(reports).length).toBeGreaterThan(0);
    for (const secret of [server.url(OPS), OPS, TOKEN]) {
      expect(locateSecret(reports, secret)).toEqual([]);
      expect(r.stdout).not.toContain(secret);
      expect(r.stderr).not.toContain(secret);
    }
  });

  test('NO_COLOR=1: no escape byte anywhere in the output', () => {
    expect(r.all).not.toContain('\u001b');
  });
});
