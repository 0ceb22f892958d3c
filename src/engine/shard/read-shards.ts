import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { RollgateError } from '../../config/errors.ts';
import { SHARD_RESULT_FILE, ShardResult } from '../../model/shard.ts';
import type { ShardInput } from './merge-shards.ts';

/** The shard folders a path names: itself when it holds shard.json, else its subfolders that do. */
function shardDirs(given: string): string[] {
  const dir = path.resolve(given);
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new RollgateError(
      'ROLLGATE_BAD_ARGUMENT',
      `rollgate merge: ${given} is not a folder; give the folders the shard runs wrote (gate <stage> --shard <i>/<n> --out <dir>)`,
    );
  if (existsSync(path.join(dir, SHARD_RESULT_FILE))) return [dir];
  const inside = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(path.join(dir, e.name, SHARD_RESULT_FILE)))
    .map((e) => path.join(dir, e.name))
    .sort();
  if (!inside.length)
    throw new RollgateError(
      'ROLLGATE_BAD_ARGUMENT',
      `rollgate merge: ${given} holds no ${SHARD_RESULT_FILE}, nor does any folder in it; give the folders the shard runs wrote (gate <stage> --shard <i>/<n> --out <dir>)`,
    );
  return inside;
}

/** One shard.json, parsed with its schema; anything else is exit 2 naming the file and field. */
export function readShard(dir: string): ShardInput {
  const file = path.join(dir, SHARD_RESULT_FILE);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new RollgateError(
      'ROLLGATE_BAD_ARGUMENT',
      `${file}: not readable JSON (${(error as Error).message}); the shard run was cut short or the file was changed: run that shard again`,
    );
  }
  const parsed = ShardResult.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new RollgateError(
      'ROLLGATE_BAD_ARGUMENT',
      `${file}: ${issue.path.join('.') || '(top level)'}: ${issue.message}; it is not a shard result this rollgate writes: run the shard again with the same rollgate version as the merge`,
    );
  }
  return { dir, result: parsed.data };
}

/**
 * Every shard result under the folders given to `rollgate merge`, in the order given. A folder
 * given twice counts twice: the merge then HOLDs on the repeated shard instead of hiding it.
 */
export function readShards(given: readonly string[]): ShardInput[] {
  if (!given.length)
    throw new RollgateError(
      'ROLLGATE_BAD_ARGUMENT',
      'usage: rollgate merge <dir>... (the folders of the shard runs: gate <stage> --shard <i>/<n> --out <dir>)',
    );
  const dirs = given.flatMap(shardDirs);
  return dirs.map(readShard);
}
