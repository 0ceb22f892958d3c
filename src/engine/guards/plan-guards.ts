import type { PlannedCheck } from '../../model/check-result.ts';
import type { Stage } from '../../model/runbook.ts';
import { isBlocking } from '../plan.ts';

export const MAINTENANCE_ON = 'maintenance/on';
export const MAINTENANCE_OFF = 'maintenance/off';
export const ZERO_DOWNTIME = 'availability/zero-downtime';

/** The checks a stage's maintenance mode and availability loop add, known before anything runs. */
export function planGuards(stage: Pick<Stage, 'maintenance' | 'availability' | 'advisory'>): PlannedCheck[] {
  const out: PlannedCheck[] = [];
  const add = (id: string, title: string) =>
    out.push({ id, title, suite: 'stage', kind: 'harness', blocking: isBlocking(stage, id) });
  if (stage.maintenance) {
    add(
      MAINTENANCE_ON,
      `maintenance mode on: ${stage.maintenance.probe.path} answers ${stage.maintenance.probe.status}`,
    );
    add(MAINTENANCE_OFF, `maintenance mode off again: ${stage.maintenance.probe.path} answers normally`);
  }
  if (stage.availability) {
    const a = stage.availability;
    add(
      ZERO_DOWNTIME,
      `zero downtime: ${a.path} answered ${a.status} every ${a.intervalMs} ms while the stage ran (${a.maxFailures} failures allowed)`,
    );
  }
  return out;
}
