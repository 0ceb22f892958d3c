import path from 'node:path';
import type { NotifyOn } from '../model/notify.ts';
import type { Verdict } from '../model/verdict.ts';

/** A Slack-compatible message: `text` for notifications and clients without blocks. */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

export type SlackBlock =
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
  | { type: 'context'; elements: { type: 'mrkdwn'; text: string }[] };

/** Reasons listed in a message; the rest are counted. A HOLD's report has them all. */
export const MAX_REASONS = 5;
/** One reason's length in a message (Slack cuts a section at 3000 characters). */
const MAX_REASON_CHARS = 280;

/** What a recorded verdict is to a webhook: a HOLD of a stage with a `drill` is a failed drill. */
export function notifyEvent(v: Pick<Verdict, 'verdict'>, drill: boolean): NotifyOn {
  if (v.verdict === 'promote') return 'promote';
  return drill ? 'drill-failed' : 'hold';
}

/**
 * Where the message points: `ROLLGATE_REPORT_URL` (a CI artifact or job URL) when set, else the
 * run folder on this machine, which holds verdict.json, JUnit, Allure results and evidence.
 */
export function reportLink(runDir: string, env: NodeJS.ProcessEnv): string {
  const url = env.ROLLGATE_REPORT_URL?.trim();
  return url ? url : path.resolve(runDir);
}

/** Slack mrkdwn treats these three as control characters. */
function mrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function cut(text: string, max: number): string {
  const one = text.replace(/\s*\n\s*/g, ' ');
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

const HEADLINE: Record<NotifyOn, string> = {
  promote: 'PROMOTE',
  hold: 'HOLD',
  'drill-failed': 'DRILL FAILED (HOLD)',
};

/**
 * The message for a recorded verdict: the verdict, runbook/stage/release, the first reasons and
 * the link to the report. Built from the verdict as recorded (masked); the caller masks it again.
 * @example buildMessage(v, { event: 'hold', link: 'https://ci.example/run/42' }).text
 * // 'HOLD demo/canary release 1.2.3: probes/health failed: answered 500. Report: https://ci.example/run/42'
 */
export function buildMessage(v: Verdict, o: { event: NotifyOn; link: string }): SlackMessage {
  const what = `${v.runbook}/${v.stage} release ${v.target.version}`;
  const series = v.watch?.result ? ' (watch series)' : '';
  const head = HEADLINE[o.event];
  const s = v.summary;
  const counts =
    v.verdict === 'promote'
      ? `${s.passed + s.flaky + s.waived + s.skipped} of ${s.total} checks good`
      : `${s.total} checks: ${s.failed} failed, ${s.errored} errored`;
  const reasons = v.reasons.slice(0, MAX_REASONS).map((r) => cut(r, MAX_REASON_CHARS));
  const more = v.reasons.length - reasons.length;
  const isUrl = /^https?:\/\//i.test(o.link);

  const firstReason = reasons[0]
    ? `: ${reasons[0]}${v.reasons.length > 1 ? ` (+${v.reasons.length - 1} more)` : ''}`
    : '';
  const text = mrkdwn(`${head} ${what}${series}${firstReason}. Report: ${o.link}`);

  const blocks: SlackBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*${head}* ${mrkdwn(what)}${series} · ${counts}` } },
  ];
  if (reasons.length)
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: [
          ...reasons.map((r) => `• ${mrkdwn(r)}`),
          ...(more > 0 ? [`…and ${more} more in the report`] : []),
        ].join('\n'),
      },
    });
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `${isUrl ? `<${o.link}|Report>` : `Report: \`${mrkdwn(o.link)}\``} · run ${mrkdwn(v.runId)}${v.interrupted ? ` · interrupted: ${mrkdwn(cut(v.interrupted, 120))}` : ''}`,
      },
    ],
  });
  return { text, blocks };
}
