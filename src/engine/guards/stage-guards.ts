import { ObservationError } from '../../checks/authoring/errors.ts';
import type { ResolvedGate } from '../../config/options.ts';
import type { CheckResult } from '../../model/check-result.ts';
import { fillTemplate, templateSecrets } from '../../model/template.ts';
import type { Stopping } from '../stop-signals.ts';
import type { Teardown } from '../teardown.ts';
import { validCheck } from '../valid-checks.ts';
import { type AvailabilityLoop, judgeAvailability, startAvailabilityLoop } from './availability.ts';
import { createMaintenance, type Maintenance, type SwitchOff } from './maintenance.ts';
import { MAINTENANCE_OFF, MAINTENANCE_ON, planGuards, ZERO_DOWNTIME } from './plan-guards.ts';
import { type GuardTransport, guardTransport } from './request.ts';

/**
 * A stage's maintenance mode and availability loop over one run, in the order the gate calls it:
 * `targetUp` (the loop starts, the teardown that switches maintenance off is registered),
 * `maintenanceOn` (after sign-in), `maintenanceOff` (after the suites), `availability` (after the
 * load and metric checks). `beforeStop` is for the signal handler: it ends the loop's window and
 * switches maintenance off before the run's processes are stopped.
 */
export interface StageGuards {
  /**
   * Values read from the environment for the maintenance calls and target headers: mask them. Known
   * from the start; after `targetUp`, with those read from the target's environment too.
   */
  readonly secrets: string[];
  /**
   * The target is up (or not: `notStarted` says why). `targetEnv` is the environment the target
   * was started with (an embedded app's generated secrets): the maintenance headers read it too.
   */
  targetUp(baseURL: string, notStarted?: string, targetEnv?: Record<string, string>): void;
  maintenanceOn(notRun?: string): Promise<CheckResult[]>;
  maintenanceOff(notRun?: string): Promise<CheckResult[]>;
  availability(notRun?: string): Promise<CheckResult[]>;
  /** Never rejects; resolves within {@link BEFORE_STOP_MS} (the teardown still awaits what it started). */
  beforeStop(): Promise<void>;
}

/** Longest the signal handler waits for maintenance to be switched off before stopping the processes. */
export const BEFORE_STOP_MS = 5_000;

/** Values a stage's maintenance calls read from `env` (set ones only): secrets from the start. */
function callSecrets(gate: ResolvedGate, env: NodeJS.ProcessEnv): string[] {
  const m = gate.stage.maintenance;
  if (!m) return [];
  const read: string[] = [];
  for (const template of [...Object.values(m.enable.headers), ...Object.values(m.disable.headers)])
    fillTemplate(template, env, () => '', read);
  return templateSecrets(read);
}

const describeSwitch = (r: SwitchOff): string =>
  !r.sent
    ? 'disable was not needed (enable was never sent)'
    : 'error' in r
      ? `disable got no answer: ${r.error}`
      : `disable was sent and answered ${r.answer.status}`;

export function createStageGuards(
  gate: ResolvedGate,
  o: {
    env: NodeJS.ProcessEnv;
    /** The project root: a relative `http.caFile` is read from here. */
    root: string;
    /** Wall-clock now on the run's clock. */
    now: () => Date;
    stopping: Pick<Stopping, 'reason'>;
    defer: Teardown['defer'];
  },
): StageGuards {
  const { maintenance: mSpec, availability: aSpec } = gate.stage;
  const planned = new Map(planGuards(gate.stage).map((c) => [c.id, c]));
  const check = (id: string, partial: Partial<CheckResult> & Pick<CheckResult, 'status'>): CheckResult => {
    const p = planned.get(id)!;
    return validCheck({
      id,
      title: p.title,
      suite: p.suite,
      kind: 'harness',
      blocking: p.blocking,
      durationMs: 0,
      measurements: [],
      evidence: [],
      retries: 0,
      ...partial,
    });
  };
  const notRunCheck = (id: string, why: string) =>
    check(id, {
      status: 'errored',
      message: `not run: ${why}`,
      ...(o.stopping.reason ? { code: 'ROLLGATE_INTERRUPTED' } : {}),
    });

  let transport: GuardTransport | ObservationError | undefined;
  if (mSpec || aSpec) {
    try {
      transport = guardTransport(gate.target.http, o.env, o.root);
    } catch (error) {
      transport = error instanceof ObservationError ? error : new ObservationError((error as Error).message);
    }
  }
  const secrets = [
    ...callSecrets(gate, o.env),
    ...(transport && 'headers' in transport ? transport.secrets : []),
  ];
  const transportError = (id: string) =>
    transport instanceof ObservationError
      ? check(id, { status: 'errored', message: transport.message, code: transport.code })
      : undefined;

  let notStarted: string | undefined = 'the target was not started yet';
  let loop: AvailabilityLoop | undefined;
  let loopStartedAt = '';
  let maintenance: Maintenance | undefined;

  return {
    get secrets() {
      return [...new Set([...secrets, ...(maintenance?.secrets ?? [])])];
    },
    targetUp(baseURL, why, targetEnv = {}) {
      notStarted = why;
      if (why || !transport || transport instanceof ObservationError) return;
      if (aSpec) {
        loopStartedAt = o.now().toISOString();
        loop = startAvailabilityLoop(aSpec, { url: baseURL + aSpec.path, transport, now: o.now });
        o.defer('stop the availability probes', () => loop!.stop());
      }
      if (mSpec) {
        const env = { ...o.env, ...targetEnv };
        const m = createMaintenance(mSpec, { baseURL, transport, env, stageName: gate.stageName });
        maintenance = m;
        // Registered after the run's processes: it runs before they are stopped (last in, first out).
        o.defer('switch maintenance mode off', async () => {
          const r = await m.switchOffAgain();
          if (r.sent && 'error' in r) throw new Error(describeSwitch(r));
          if (r.sent && 'answer' in r && (r.answer.status < 200 || r.answer.status > 299))
            throw new Error(`${mSpec.disable.method} ${mSpec.disable.path} answered ${r.answer.status}`);
        });
      }
    },
    async maintenanceOn(notRun) {
      if (!mSpec) return [];
      const why = notStarted ?? notRun ?? o.stopping.reason;
      if (why) return [notRunCheck(MAINTENANCE_ON, why)];
      const bad = transportError(MAINTENANCE_ON);
      if (bad) return [bad];
      return [check(MAINTENANCE_ON, await maintenance!.on())];
    },
    async maintenanceOff(notRun) {
      if (!mSpec) return [];
      const bad = transportError(MAINTENANCE_OFF);
      if (bad) return [bad];
      if (notStarted || !maintenance)
        return [notRunCheck(MAINTENANCE_OFF, notStarted ?? notRun ?? 'not started')];
      const stopped = o.stopping.reason;
      if (stopped) {
        const r = await maintenance.switchOff();
        return [
          check(MAINTENANCE_OFF, {
            status: 'errored',
            code: 'ROLLGATE_INTERRUPTED',
            message: `not proven off: ${stopped}; ${describeSwitch(r)}`,
          }),
        ];
      }
      return [check(MAINTENANCE_OFF, await maintenance.off())];
    },
    async availability(notRun) {
      if (!aSpec) return [];
      const bad = transportError(ZERO_DOWNTIME);
      if (bad) return [bad];
      if (!loop) return [notRunCheck(ZERO_DOWNTIME, notStarted ?? notRun ?? 'not started')];
      await loop.stop();
      const judged = judgeAvailability(aSpec, loop, {
        stageName: gate.stageName,
        interrupted: o.stopping.reason,
        startedAt: loopStartedAt,
        endedAt: o.now().toISOString(),
      });
      return [check(ZERO_DOWNTIME, judged)];
    },
    async beforeStop() {
      let timer: NodeJS.Timeout | undefined;
      const capped = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, BEFORE_STOP_MS);
        timer.unref();
      });
      await Promise.race([Promise.allSettled([loop?.stop(), maintenance?.switchOff()]), capped]);
      clearTimeout(timer);
    },
  };
}
