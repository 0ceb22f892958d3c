import { evaluate } from '../../checks/budget.ts';
import type { CheckResult } from '../../model/check-result.ts';
import type { AvailabilitySpec } from '../../model/stage-guards.ts';
import { GuardRequestError, type GuardTransport, sendRequest } from './request.ts';

/** One probe of the loop: when it started, how long it took, and what came back. */
export interface ProbeRecord {
  /** Wall-clock start, ISO. */
  at: string;
  /** Monotonic start (performance.now()), for outage lengths. */
  mono: number;
  durationMs: number;
  ok: boolean;
  status?: number;
  /** `ECONNREFUSED (connection refused)`, `TIMEOUT (…)`: set when there was no HTTP answer. */
  error?: string;
}

/** The availability probes of one run: started when the target is up, stopped before release. */
export interface AvailabilityLoop {
  readonly url: string;
  /**
   * Stops probing: no probe starts after it, and the probe in flight is awaited (at most its
   * `timeoutMs`) and counted, so an outage in the last moments is never dropped. Idempotent;
   * resolves once nothing runs.
   */
  stop(): Promise<void>;
  /** Every probe, in order, the one in flight at the stop included. */
  records(): readonly ProbeRecord[];
  /** How long it probed (first start to the end of the last probe), in ms. */
  elapsedMs(): number;
}

/**
 * Probes `url` every `spec.intervalMs` (one at a time: a probe slower than the interval delays the
 * next, never overlaps it), each on a new connection with `spec.timeoutMs`. A probe failed when it
 * got no answer (refused, reset, time-out) or another status than `spec.status`. Its timer is
 * unref'd, and `stop()` ends the pause at once and waits for the probe in flight, which its own
 * `timeoutMs` bounds: the loop never outlives the run that stops it by more than that.
 */
export function startAvailabilityLoop(
  spec: AvailabilitySpec,
  o: { url: string; transport: GuardTransport; now: () => Date },
): AvailabilityLoop {
  const records: ProbeRecord[] = [];
  let stopped = false;
  const started = performance.now();
  let stoppedAt: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, ms);
      timer.unref();
    });
  const run = async () => {
    while (!stopped) {
      const mono = performance.now();
      const at = o.now().toISOString();
      let record: ProbeRecord;
      try {
        // Not aborted by stop(): the probe in flight is part of the window, its time-out bounds it.
        const answer = await sendRequest(o.url, {
          headers: o.transport.headers,
          ca: o.transport.ca,
          timeoutMs: spec.timeoutMs,
        });
        const ok = answer.status === spec.status;
        record = { at, mono, durationMs: performance.now() - mono, ok, status: answer.status };
      } catch (error) {
        const e =
          error instanceof GuardRequestError ? error : new GuardRequestError(String(error), 'EUNKNOWN');
        record = { at, mono, durationMs: performance.now() - mono, ok: false, error: e.message };
      }
      record.durationMs = Math.round(record.durationMs);
      records.push(record);
      const wait = mono + spec.intervalMs - performance.now();
      if (wait > 0 && !stopped) await pause(wait);
    }
  };
  const running = run();
  let stopping: Promise<void> | undefined;
  return {
    url: o.url,
    stop() {
      stopping ??= (async () => {
        stopped = true;
        clearTimeout(timer);
        wake?.();
        await running;
        stoppedAt = performance.now();
      })();
      return stopping;
    },
    records: () => records,
    elapsedMs: () => Math.round((stoppedAt ?? performance.now()) - started),
  };
}

/** Longest stretch without a good answer: from a failed probe's start to the next good one's. */
export function longestOutageMs(records: readonly ProbeRecord[]): number {
  let longest = 0;
  let since: number | undefined;
  let lastEnd = 0;
  for (const r of records) {
    if (!r.ok) {
      since ??= r.mono;
      lastEnd = r.mono + r.durationMs;
    } else if (since !== undefined) {
      longest = Math.max(longest, r.mono - since);
      since = undefined;
    }
  }
  if (since !== undefined) longest = Math.max(longest, lastEnd - since);
  return Math.round(longest);
}

/** Failures kept in the evidence's timeline; the totals always count them all. */
const TIMELINE_LIMIT = 1000;

const what = (r: ProbeRecord, expected: number) => r.error ?? `answered ${r.status}, not ${expected}`;

export interface AvailabilityJudgement
  extends Pick<CheckResult, 'status' | 'message' | 'measurements' | 'evidence' | 'durationMs'> {
  code?: CheckResult['code'];
}

/**
 * `availability/zero-downtime` from a loop's probes. Failed when more probes failed than
 * `maxFailures` (observed, whatever else happened); otherwise errored when the run was stopped
 * (`interrupted`: a window cut short proves nothing) or there were fewer than `minProbes` probes
 * (the stage was too short: the message says how to lower `intervalMs`); passed else.
 */
export function judgeAvailability(
  spec: AvailabilitySpec,
  loop: Pick<AvailabilityLoop, 'url' | 'records' | 'elapsedMs'>,
  o: { stageName: string; interrupted?: string; startedAt: string; endedAt: string },
): AvailabilityJudgement {
  const records = loop.records();
  const probes = records.length;
  const failures = records.filter((r) => !r.ok);
  const failed = failures.length;
  const outage = longestOutageMs(records);
  const elapsed = loop.elapsedMs();
  const failedProbes = evaluate(
    { name: 'failed-probes', operator: '<=', expected: spec.maxFailures, minSamples: spec.minProbes },
    failed,
    probes,
  );
  // The share of good answers, held to the share `maxFailures` leaves; judged as failed-probes is.
  const ratio = probes ? (probes - failed) / probes : null;
  const availability = {
    ...evaluate(
      {
        name: 'availability',
        operator: '>=',
        expected: probes ? (probes - Math.min(spec.maxFailures, probes)) / probes : 1,
        unit: 'ratio',
      },
      ratio,
      probes,
    ),
    passed: failedProbes.passed,
    outcome: failedProbes.outcome,
    ...(failedProbes.note ? { note: failedProbes.note } : {}),
  };
  const timeline = {
    url: loop.url,
    expectedStatus: spec.status,
    intervalMs: spec.intervalMs,
    timeoutMs: spec.timeoutMs,
    maxFailures: spec.maxFailures,
    minProbes: spec.minProbes,
    startedAt: o.startedAt,
    endedAt: o.endedAt,
    elapsedMs: elapsed,
    probes,
    failed,
    longestOutageMs: outage,
    ...(o.interrupted ? { interrupted: o.interrupted } : {}),
    failures: failures.slice(0, TIMELINE_LIMIT).map((r) => ({
      at: r.at,
      durationMs: r.durationMs,
      ...(r.error ? { error: r.error } : { status: r.status }),
    })),
    ...(failed > TIMELINE_LIMIT ? { failuresLeftOut: failed - TIMELINE_LIMIT } : {}),
  };
  const base = {
    durationMs: elapsed,
    measurements: [failedProbes, availability],
    evidence: [
      {
        name: 'availability-timeline.json',
        contentType: 'application/json',
        body: JSON.stringify(timeline, null, 2),
      },
    ],
  };
  const path = new URL(loop.url).pathname;
  if (failed > spec.maxFailures) {
    const first = failures[0]!;
    return {
      ...base,
      status: 'failed',
      message: `${failed} of ${probes} probes failed (first at ${first.at}: ${what(first, spec.status)}; longest outage ${outage} ms); ${path} must answer ${spec.status}, at most ${spec.maxFailures} failed allowed`,
    };
  }
  if (o.interrupted)
    return {
      ...base,
      status: 'errored',
      code: 'ROLLGATE_INTERRUPTED',
      message: `not judged: ${o.interrupted} after ${probes} probes of ${path} (${failed} failed); a window cut short proves nothing`,
    };
  if (probes < spec.minProbes) {
    // The interval at which this stage's length would have given minProbes probes; below the
    // shortest interval (20 ms), fewer probes are all a stage this short can give.
    const field = (name: string) => `stages.${o.stageName}.availability.${name}`;
    const fits = Math.floor(elapsed / spec.minProbes);
    const atShortest = Math.max(1, Math.floor(elapsed / 20));
    const lower =
      fits >= 20
        ? `lower ${field('intervalMs')} (now ${spec.intervalMs}) to ${fits} or less`
        : spec.intervalMs > 20
          ? `lower ${field('intervalMs')} (now ${spec.intervalMs}) to 20 and ${field('minProbes')} (now ${spec.minProbes}) to ${atShortest} or less`
          : `lower ${field('minProbes')} (now ${spec.minProbes}) to ${atShortest} or less`;
    return {
      ...base,
      status: 'errored',
      code: 'ROLLGATE_NO_DATA',
      message: `only ${probes} probe${probes === 1 ? '' : 's'} of ${path} in ${elapsed} ms, fewer than minProbes ${spec.minProbes}: the stage ran too short to judge its availability; ${lower}`,
    };
  }
  return {
    ...base,
    status: 'passed',
    message: `${probes} probes of ${path} over ${(elapsed / 1000).toFixed(1)} s, ${failed} failed (at most ${spec.maxFailures} allowed)${outage ? `; longest outage ${outage} ms` : ''}`,
  };
}
