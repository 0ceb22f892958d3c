import { RollgateError } from '../../config/errors.ts';
import type { Stage } from '../../model/runbook.ts';
import { MAX_SHARDS, type ShardSpec } from '../../model/shard.ts';

const EXAMPLE =
  'e.g. --shard 1/2 on one machine and --shard 2/2 on another, then rollgate merge <their folders>';

/**
 * `--shard i/n` as a shard: whole numbers, 1 <= i <= n, 2 <= n <= 64. Anything else is exit 2,
 * saying what was wrong and what to give.
 * @example parseShardArg('2/3') // { index: 2, total: 3 }
 */
export function parseShardArg(text: string): ShardSpec {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const bad = (why: string) =>
    new RollgateError('ROLLGATE_BAD_ARGUMENT', `--shard "${text}": ${why}; ${EXAMPLE}`);
  if (!m) throw bad('expected <index>/<total>, two whole numbers');
  const index = Number(m[1]);
  const total = Number(m[2]);
  if (total < 2)
    throw bad('a run in one part is not sharded: give at least 2 shards, or gate without --shard');
  if (total > MAX_SHARDS) throw bad(`at most ${MAX_SHARDS} shards`);
  if (index < 1 || index > total) throw bad(`the index must be between 1 and ${total}`);
  return { index, total };
}

/**
 * What a stage must be to be sharded: golden paths to split, and no drill (the golden paths of a
 * drill run on the copy the drill restored, which only the first machine has). A watch repeats a
 * whole stage on one machine, and a k6 summary is judged by the shard that judges the load.
 */
export function refuseUnshardable(
  stageName: string,
  stage: Pick<Stage, 'smoke' | 'drill'>,
  shard: ShardSpec,
  o: { watch: boolean; k6Summary: boolean },
): void {
  const refuse = (why: string) =>
    new RollgateError('ROLLGATE_BAD_ARGUMENT', `--shard ${shard.index}/${shard.total}: ${why}`);
  if (!stage.smoke)
    throw refuse(
      `stage "${stageName}" has no Playwright golden paths (smoke.specs) to split across machines; gate it without --shard`,
    );
  if (stage.drill)
    throw refuse(
      `stage "${stageName}" is a drill: its golden paths run on the copy the drill restored, which only one machine has; gate it without --shard`,
    );
  if (o.watch)
    throw refuse(
      `stage "${stageName}" would run as a watch series, which repeats the whole stage on one machine; watch without --shard`,
    );
  if (o.k6Summary && shard.index !== 1)
    throw refuse(
      '--k6-summary belongs to shard 1, which runs the stage\'s load and judges its budgets; give it to "--shard 1/…" only',
    );
}
