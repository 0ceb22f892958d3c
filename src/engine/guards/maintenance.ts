import { setTimeout as sleep } from 'node:timers/promises';
import { createMasker } from '../../config/mask.ts';
import type { CheckResult } from '../../model/check-result.ts';
import type { MaintenanceSpec, TargetCall } from '../../model/stage-guards.ts';
import { fillTemplate, templateSecrets } from '../../model/template.ts';
import { type GuardAnswer, type GuardRequestError, type GuardTransport, sendRequest } from './request.ts';

/** Time the enable and disable requests may take. */
export const CALL_TIMEOUT_MS = 10_000;
/** Time the probe has to show the mode switched, after the request that switched it answered. */
export const PROBE_DEADLINE_MS = 5_000;
const PROBE_EVERY_MS = 100;
const PROBE_TIMEOUT_MS = 2_000;

/** A call's headers filled from the environment, or why they cannot be. */
type Filled = { headers: Record<string, string> } | { missing: string };

/** What sending `disable` came to: not needed, an answer, or no answer (why). */
export type SwitchOff =
  | { sent: false }
  | { sent: true; answer: GuardAnswer }
  | { sent: true; error: string; code: CheckResult['code'] };

export type MaintenanceOutcome = Pick<CheckResult, 'status' | 'message' | 'measurements' | 'durationMs'> & {
  code?: CheckResult['code'];
};

export interface Maintenance {
  /** The values read from the environment for the calls' headers: mask them everywhere. */
  readonly secrets: string[];
  /** Sends `enable`, then polls the probe until it answers `probe.status`: `maintenance/on`. */
  on(): Promise<MaintenanceOutcome>;
  /** Whether `on()` sent (or tried to send) `enable`, so `disable` is owed. */
  readonly owed: boolean;
  /**
   * Sends `disable` once (after the `enable` in flight, if any), whoever asks first: the stage after
   * its suites, the signal handler, or the teardown. Later calls get the same outcome.
   */
  switchOff(): Promise<SwitchOff>;
  /**
   * For the teardown: when `disable` got no answer (a blip, a restart), sends it once more; else
   * the outcome `switchOff()` already had.
   */
  switchOffAgain(): Promise<SwitchOff>;
  /** `switchOff()`, then polls the probe until it answers under 500 and not `probe.status`: `maintenance/off`. */
  off(): Promise<MaintenanceOutcome>;
}

const fieldOf = (stageName: string, which: 'enable' | 'disable', header: string) =>
  `stages.${stageName}.maintenance.${which}.headers.${header}`;

function fill(
  call: TargetCall,
  env: NodeJS.ProcessEnv,
  field: (header: string) => string,
  secrets: string[],
): Filled {
  const headers: Record<string, string> = {};
  const read: string[] = [];
  try {
    for (const [name, template] of Object.entries(call.headers))
      headers[name] = fillTemplate(
        template,
        env,
        (variable) => {
          throw new Error(
            `${field(name)} needs the environment variable ${variable}, which is not set: set ${variable} for the gate`,
          );
        },
        read,
      );
  } catch (error) {
    return { missing: (error as Error).message };
  } finally {
    secrets.push(...templateSecrets(read));
  }
  return { headers };
}

const errorCode = (e: GuardRequestError): CheckResult['code'] =>
  e.code === 'TIMEOUT'
    ? 'ROLLGATE_TIMEOUT'
    : e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN'
      ? 'ROLLGATE_TARGET_UNREACHABLE'
      : 'ROLLGATE_HTTP';

/** The start of a body on one line, quoted, for a message. */
const quote = (body: string) => {
  const s = body.replace(/\s+/g, ' ').trim().slice(0, 120);
  return s ? `: "${s}"` : '';
};

/**
 * Maintenance mode around a stage's checks. Each request goes to the target with its declared
 * headers and the call's own (`${NAME}` read from `env`, secrets); the probe is anonymous (the
 * target's declared headers only, no session). Every message is masked with the secrets it read.
 */
export function createMaintenance(
  spec: MaintenanceSpec,
  o: {
    baseURL: string;
    transport: GuardTransport;
    env: NodeJS.ProcessEnv;
    stageName: string;
    /** Time the probe has to show a switch; default {@link PROBE_DEADLINE_MS}. */
    probeDeadlineMs?: number;
  },
): Maintenance {
  const deadline = o.probeDeadlineMs ?? PROBE_DEADLINE_MS;
  const secrets: string[] = [];
  const enable = fill(spec.enable, o.env, (h) => fieldOf(o.stageName, 'enable', h), secrets);
  const disable = fill(spec.disable, o.env, (h) => fieldOf(o.stageName, 'disable', h), secrets);
  const mask = createMasker([...secrets, ...o.transport.secrets]);
  const probePath = spec.probe.path;
  const describe = (call: TargetCall) => `${call.method} ${call.path}`;
  const send = (call: TargetCall, filled: { headers: Record<string, string> }) =>
    sendRequest(o.baseURL + call.path, {
      method: call.method,
      headers: { ...o.transport.headers, ...filled.headers },
      ca: o.transport.ca,
      timeoutMs: CALL_TIMEOUT_MS,
    });
  /** Polls the probe until `done(status)`; the last status seen (or why none), and how long it took. */
  const poll = async (done: (status: number) => boolean) => {
    const started = performance.now();
    let last: { status?: number; error?: string } = {};
    for (;;) {
      try {
        const a = await sendRequest(o.baseURL + probePath, {
          headers: o.transport.headers,
          ca: o.transport.ca,
          timeoutMs: PROBE_TIMEOUT_MS,
        });
        last = { status: a.status };
        if (done(a.status)) return { ...last, ok: true, ms: Math.round(performance.now() - started) };
      } catch (error) {
        last = { error: (error as Error).message };
      }
      if (performance.now() - started > deadline)
        return { ...last, ok: false, ms: Math.round(performance.now() - started) };
      await sleep(PROBE_EVERY_MS);
    }
  };
  // Off is "under 500 and not probe.status": a 5xx other than it is held to the first half.
  const probeMeasurement = (actual: number | null, operator: '==' | '!=', passed: boolean) => ({
    name: 'probe-status',
    actual,
    ...(operator === '!=' && actual !== null && actual >= 500 && actual !== spec.probe.status
      ? { operator: '<' as const, expected: 500 }
      : { operator, expected: spec.probe.status }),
    samples: actual === null ? 0 : 1,
    passed,
    outcome: passed ? ('pass' as const) : actual === null ? ('no-data' as const) : ('fail' as const),
  });

  let owed = false;
  let enabling: Promise<unknown> | undefined;
  let switched: Promise<SwitchOff> | undefined;

  const sendDisable = async (): Promise<SwitchOff> => {
    if ('missing' in disable) return { sent: true, error: disable.missing, code: 'ROLLGATE_MISSING_ENV' };
    try {
      return { sent: true, answer: await send(spec.disable, disable) };
    } catch (error) {
      const e = error as GuardRequestError;
      return { sent: true, error: mask(e.message), code: errorCode(e) };
    }
  };
  const switchOff = () =>
    (switched ??= (async (): Promise<SwitchOff> => {
      if (!owed) return { sent: false };
      // Never overtake the enable still in flight: the target would end up on.
      await enabling?.catch(() => {});
      return sendDisable();
    })());
  let again: Promise<SwitchOff> | undefined;
  const switchOffAgain = () =>
    (again ??= switchOff().then((r) =>
      r.sent && 'error' in r && r.code !== 'ROLLGATE_MISSING_ENV' ? sendDisable() : r,
    ));

  return {
    secrets,
    get owed() {
      return owed;
    },
    switchOff,
    switchOffAgain,
    async on() {
      const started = performance.now();
      const took = () => Math.round(performance.now() - started);
      if ('missing' in enable)
        return {
          status: 'errored',
          code: 'ROLLGATE_MISSING_ENV',
          message: `enable not sent: ${enable.missing}`,
          measurements: [],
          durationMs: took(),
        };
      if (switched) {
        return {
          status: 'errored',
          code: 'ROLLGATE_INTERRUPTED',
          message: 'enable not sent: the run was already switching maintenance mode off',
          measurements: [],
          durationMs: took(),
        };
      }
      owed = true;
      const request = send(spec.enable, enable);
      enabling = request;
      let answer: GuardAnswer;
      try {
        answer = await request;
      } catch (error) {
        const e = error as GuardRequestError;
        return {
          status: 'errored',
          code: errorCode(e),
          message: mask(`${describe(spec.enable)} got no answer: ${e.message}`),
          measurements: [],
          durationMs: took(),
        };
      }
      if (answer.status < 200 || answer.status > 299)
        return {
          status: 'errored',
          code: 'ROLLGATE_OBSERVATION_FAILED',
          message: mask(
            `${describe(spec.enable)} answered ${answer.status}${quote(answer.body)}, not 2xx: maintenance mode could not be switched on`,
          ),
          measurements: [],
          durationMs: took(),
        };
      const seen = await poll((s) => s === spec.probe.status);
      if (seen.ok)
        return {
          status: 'passed',
          message: `${describe(spec.enable)} answered ${answer.status}; GET ${probePath} answered ${spec.probe.status} after ${seen.ms} ms`,
          measurements: [probeMeasurement(spec.probe.status, '==', true)],
          durationMs: took(),
        };
      const wasSeen = seen.status !== undefined ? `answered ${seen.status}` : `got no answer (${seen.error})`;
      return {
        status: seen.status !== undefined ? 'failed' : 'errored',
        ...(seen.status === undefined ? { code: 'ROLLGATE_TARGET_UNREACHABLE' as const } : {}),
        message: mask(
          `${describe(spec.enable)} answered ${answer.status}, but GET ${probePath} still ${wasSeen} after ${seen.ms} ms, not ${spec.probe.status}: maintenance mode is not on`,
        ),
        measurements: [probeMeasurement(seen.status ?? null, '==', false)],
        durationMs: took(),
      };
    },
    async off() {
      const started = performance.now();
      const took = () => Math.round(performance.now() - started);
      const r = await switchOff();
      if (!r.sent)
        return {
          status: 'errored',
          code: 'ROLLGATE_OBSERVATION_FAILED',
          message: 'disable not sent: maintenance mode was never switched on',
          measurements: [],
          durationMs: took(),
        };
      if ('error' in r)
        return {
          status: 'errored',
          ...(r.code ? { code: r.code } : {}),
          message: mask(
            'missing' in disable
              ? `disable not sent: ${r.error}`
              : `${describe(spec.disable)} got no answer: ${r.error}`,
          ),
          measurements: [],
          durationMs: took(),
        };
      if (r.answer.status < 200 || r.answer.status > 299)
        return {
          status: 'errored',
          code: 'ROLLGATE_OBSERVATION_FAILED',
          message: mask(
            `${describe(spec.disable)} answered ${r.answer.status}${quote(r.answer.body)}, not 2xx: maintenance mode could not be switched off`,
          ),
          measurements: [],
          durationMs: took(),
        };
      const isOff = (s: number) => s < 500 && s !== spec.probe.status;
      const seen = await poll(isOff);
      if (seen.ok)
        return {
          status: 'passed',
          message: `${describe(spec.disable)} answered ${r.answer.status}; GET ${probePath} answered ${seen.status} after ${seen.ms} ms`,
          measurements: [probeMeasurement(seen.status!, '!=', true)],
          durationMs: took(),
        };
      const wasSeen = seen.status !== undefined ? `answered ${seen.status}` : `got no answer (${seen.error})`;
      return {
        status: seen.status !== undefined ? 'failed' : 'errored',
        ...(seen.status === undefined ? { code: 'ROLLGATE_TARGET_UNREACHABLE' as const } : {}),
        message: mask(
          `${describe(spec.disable)} answered ${r.answer.status}, but GET ${probePath} still ${wasSeen} after ${seen.ms} ms (off means under 500 and not ${spec.probe.status}): maintenance mode is still on`,
        ),
        measurements: [probeMeasurement(seen.status ?? null, '!=', false)],
        durationMs: took(),
      };
    },
  };
}
