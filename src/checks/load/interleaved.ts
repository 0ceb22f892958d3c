import { ObservationError } from '../authoring/errors.ts';
import { runAutocannon } from './autocannon-run.ts';
import { assertHostAllowed } from './hosts.ts';
import { loginCookie } from './login.ts';
import { type LoadObservation, observeSamples, type RequestSample } from './observation.ts';
import type { LoadProfile } from './profile.ts';
import { assertReachable } from './reachable.ts';

export type Side = 'baseline' | 'canary';

export interface InterleavedOptions {
  baselineURL: string;
  canaryURL: string;
  profile: LoadProfile;
  /** Length of one slice (default 1000 ms); keep it several times the slowest expected latency. */
  sliceMs?: number;
  /** Slices PER SIDE (default 4): 4 → 8 slices in all. */
  slices?: number;
  /** Warm-up per side before the first slice, thrown away (default: the profile's warm-up). */
  warmupMs?: number;
  /** Where the login credentials are read (default process.env). */
  env?: Record<string, string | undefined>;
  /** Hosts the runbook allows besides loopback. */
  runbookHosts?: readonly string[];
  /**
   * Awaited after the probes and logins, right before the first warm-up request: the moment from
   * which {@link SideRun.sent} counts (metric checks start their load window here).
   */
  beforeTraffic?: () => Promise<void>;
}

export interface SideRun {
  url: string;
  samples: RequestSample[];
  /** Time spent loading this side (sum of its slices). */
  durationMs: number;
  /** Requests sent to this side from `beforeTraffic` on: warm-up and slices, answered or not. */
  sent: number;
  /** Of those, the ones answered: each one the side's server finished. */
  answered: number;
  observation: LoadObservation;
}

export interface InterleavedRun {
  baseline: SideRun;
  canary: SideRun;
  /** The order slices ran in, for the report. */
  order: Side[];
  sliceMs: number;
}

/**
 * Slice order: pairs alternating A B, B A, A B … (ABBA counterbalancing). Plain A B A B gives the
 * side that always goes second a systematic edge or handicap (warmer caches, a neighbour's burst
 * just ended); reversing every other pair cancels a linear drift between the two.
 */
export function sliceOrder(slicesPerSide: number): Side[] {
  const order: Side[] = [];
  for (let i = 0; i < slicesPerSide; i++) {
    order.push(...(i % 2 === 0 ? (['baseline', 'canary'] as const) : (['canary', 'baseline'] as const)));
  }
  return order;
}

/**
 * Runs the same profile against a baseline and a canary in short alternating slices after a
 * warm-up of each, one slice at a time (never both at once: they would compete for the same CPU),
 * and collects per-request samples per side. Hosts are checked before any request, login happens
 * once per side, and both sides walk the same endpoint mix.
 */
export async function runInterleaved(opts: InterleavedOptions): Promise<InterleavedRun> {
  const { profile } = opts;
  const urls: Record<Side, string> = { baseline: opts.baselineURL, canary: opts.canaryURL };
  for (const url of Object.values(urls)) assertHostAllowed(url, profile, opts.runbookHosts);
  // Both sides answer before either gets load: a missing side would make the comparison meaningless.
  for (const side of ['baseline', 'canary'] as const) {
    await assertReachable(urls[side], { label: side, timeoutMs: profile.requestTimeout });
  }
  const sliceMs = opts.sliceMs ?? 1000;
  const slices = opts.slices ?? 4;
  if (!(sliceMs > 0) || !(slices >= 1))
    throw new RangeError('runInterleaved needs sliceMs > 0 and slices >= 1');
  const cookies: Partial<Record<Side, string>> = {};
  if (profile.auth?.session === 'target')
    // The run signed in to the stage's target only: the baseline's answers would be its login page.
    throw new ObservationError(
      "load auth session 'target' sends the stage target's session, which the baseline never signed in to: a canary comparison logs in on each side with auth.login",
      'ROLLGATE_LOAD_LOGIN',
    );
  const login = profile.auth?.login;
  if (login) {
    for (const side of ['baseline', 'canary'] as const) {
      cookies[side] = await loginCookie(urls[side], login, opts.env);
    }
  }
  const warmupMs = opts.warmupMs ?? profile.warmup;
  const sent: Record<Side, number> = { baseline: 0, canary: 0 };
  const answered: Record<Side, number> = { baseline: 0, canary: 0 };
  await opts.beforeTraffic?.();
  if (warmupMs > 0) {
    for (const side of ['baseline', 'canary'] as const) {
      const warm = await runAutocannon({
        baseURL: urls[side],
        profile,
        durationMs: warmupMs,
        cookie: cookies[side],
        record: false,
      });
      sent[side] += warm.sent;
      answered[side] += warm.answered;
    }
  }
  const samples: Record<Side, RequestSample[]> = { baseline: [], canary: [] };
  const spent: Record<Side, number> = { baseline: 0, canary: 0 };
  const order = sliceOrder(slices);
  for (const side of order) {
    const run = await runAutocannon({
      baseURL: urls[side],
      profile,
      durationMs: sliceMs,
      cookie: cookies[side],
    });
    for (const s of run.samples) samples[side].push(s);
    spent[side] += run.durationMs;
    sent[side] += run.sent;
    answered[side] += run.answered;
  }
  const sideRun = (side: Side): SideRun => ({
    url: urls[side],
    samples: samples[side],
    durationMs: spent[side],
    sent: sent[side],
    answered: answered[side],
    observation: observeSamples('autocannon', samples[side], spent[side]),
  });
  return { baseline: sideRun('baseline'), canary: sideRun('canary'), order, sliceMs };
}
