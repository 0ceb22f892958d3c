import { maskDeep } from '../config/mask.ts';
import type { Notify } from '../model/notify.ts';
import type { Verdict } from '../model/verdict.ts';
import { buildMessage, notifyEvent, reportLink, type SlackMessage } from './notify-message.ts';

export type PostOutcome =
  | { ok: true; attempts: number; status: number }
  | { ok: false; attempts: number; why: string };

/** Pause before the one retry: long enough for a restarting receiver, short for a gate. */
const RETRY_PAUSE_MS = 250;

/**
 * The values to mask for the runbook's webhooks: each URL set in the environment, and its path
 * (where Slack's token is) on its own, in case a receiver's answer or an error quotes only that.
 */
export function webhookSecrets(notify: Notify | undefined, env: NodeJS.ProcessEnv): string[] {
  const values: string[] = [];
  for (const w of notify?.webhooks ?? []) {
    const url = env[w.urlEnv]?.trim();
    if (!url) continue;
    values.push(url);
    try {
      const u = new URL(url);
      const tail = `${u.pathname}${u.search}`;
      if (tail.length >= 8) values.push(tail);
    } catch {
      // Not a URL: the whole value is masked, and sending reports it unusable.
    }
  }
  return values;
}

/**
 * Replaces each value as itself, URL-encoded and JSON-escaped: a second line of defence behind the
 * caller's masker (which knows every encoding), cheap enough to run on every message.
 */
function literalMasker(values: readonly string[]): (text: string) => string {
  const forms = [
    ...new Set(values.flatMap((v) => [v, encodeURIComponent(v), JSON.stringify(v).slice(1, -1)])),
  ].sort((a, b) => b.length - a.length);
  return (text) => forms.reduce((t, f) => t.replaceAll(f, '***'), text);
}

/** A fetch failure in a few words: a time-out, a refused connection, or the cause's message. */
function describeFailure(error: unknown, timeoutMs: number): string {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const code = e?.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code) return `${code}${e.cause?.message ? ` (${e.cause.message})` : ''}`;
  return e?.cause?.message ?? e?.message ?? String(error);
}

/**
 * POSTs `message` as JSON to `url`: one attempt of at most `timeoutMs`, and one retry when it
 * timed out, could not connect, or was answered 408, 429 or 5xx (a 4xx would answer the same).
 * Never throws: the outcome says what happened.
 */
export async function postWebhook(
  url: string,
  message: SlackMessage,
  o: { timeoutMs: number; retries?: number },
): Promise<PostOutcome> {
  const tries = 1 + (o.retries ?? 1);
  let why = 'not sent';
  for (let attempt = 1; attempt <= tries; attempt++) {
    if (attempt > 1) await new Promise((r) => setTimeout(r, RETRY_PAUSE_MS));
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(message),
        redirect: 'error',
        signal: AbortSignal.timeout(o.timeoutMs),
      });
      const body = (await res.text().catch(() => '')).trim().slice(0, 200);
      if (res.ok) return { ok: true, attempts: attempt, status: res.status };
      why = `answered ${res.status}${body ? ` (${body.replace(/\s+/g, ' ')})` : ''}`;
      if (res.status < 500 && res.status !== 408 && res.status !== 429)
        return { ok: false, attempts: attempt, why };
    } catch (error) {
      why = describeFailure(error, o.timeoutMs);
    }
    if (attempt === tries) return { ok: false, attempts: attempt, why };
  }
  return { ok: false, attempts: tries, why };
}

export interface NotifyResult {
  /** `ops (hold)`: each webhook told, with what. */
  sent: string[];
  /** One line per webhook not told (masked); the verdict stands whatever they say. */
  warnings: string[];
}

/**
 * Tells the runbook's webhooks of a recorded verdict, each one that wants this kind (`on`) and
 * stage (`stages`). Runs them side by side; never throws, and nothing here changes the verdict or
 * the exit code. Every string that leaves (message, warning) goes through `mask`.
 */
export async function sendNotifications(o: {
  notify: Notify | undefined;
  verdict: Verdict;
  /** The stage declares a drill: its HOLD is a failed drill. */
  drill: boolean;
  runDir: string;
  env: NodeJS.ProcessEnv;
  mask: (text: string) => string;
}): Promise<NotifyResult> {
  const result: NotifyResult = { sent: [], warnings: [] };
  // The URLs are masked here too, whatever the caller's masker knows.
  const own = literalMasker(webhookSecrets(o.notify, o.env));
  const mask = (text: string) => own(o.mask(text));
  const event = notifyEvent(o.verdict, o.drill);
  const wanted = (o.notify?.webhooks ?? []).filter(
    (w) => w.on.includes(event) && (!w.stages || w.stages.includes(o.verdict.stage)),
  );
  if (!wanted.length) return result;
  const what = event === 'drill-failed' ? 'failed drill' : event;
  let message: SlackMessage;
  try {
    message = maskDeep(buildMessage(o.verdict, { event, link: reportLink(o.runDir, o.env) }), mask);
  } catch (error) {
    result.warnings.push(
      mask(`notify: no message could be built: ${(error as Error).message}; the verdict stands`),
    );
    return result;
  }
  await Promise.all(
    wanted.map(async (w) => {
      const who = `webhook "${w.name}" (${w.urlEnv})`;
      const url = o.env[w.urlEnv]?.trim();
      if (!url) {
        result.warnings.push(
          `${who}: ${w.urlEnv} is not set, so it was not told of this ${what}; set it to the webhook's URL. The verdict stands.`,
        );
        return;
      }
      if (!/^https?:\/\//i.test(url)) {
        result.warnings.push(
          `${who}: ${w.urlEnv} does not hold an http(s) URL, so it was not told of this ${what}. The verdict stands.`,
        );
        return;
      }
      const outcome = await postWebhook(url, message, { timeoutMs: w.timeoutMs });
      if (outcome.ok) result.sent.push(`${w.name} (${what})`);
      else
        result.warnings.push(
          mask(
            `${who}: not told of this ${what}: ${outcome.why}${outcome.attempts > 1 ? ` (${outcome.attempts} attempts)` : ''}. The verdict stands.`,
          ),
        );
    }),
  );
  return result;
}
