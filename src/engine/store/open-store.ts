import { RollgateError } from '../../config/errors.ts';
import { createMasker } from '../../config/mask.ts';
import { assertReportsDir, fileStore } from './file-store.ts';
import { pgStore } from './pg-store.ts';
import type { Store } from './store.ts';

/**
 * `ROLLGATE_LEDGER_URL=postgres://…` keeps ledger, sign-offs and waivers in PostgreSQL; else local
 * files. The store is read whole before it is handed out: corruption stops the command here (exit 2,
 * nothing run) rather than halfway through a stage; torn lines are reported through `warn`.
 */
export async function openStore(
  reportsDir: string,
  env: NodeJS.ProcessEnv = process.env,
  warn: (line: string) => void = (l) => process.stderr.write(`rollgate: warning: ${l}\n`),
): Promise<Store> {
  const store = await connect(reportsDir, env);
  try {
    for (const w of await store.verify()) warn(w);
  } catch (error) {
    await store.close();
    if (error instanceof RollgateError) throw error;
    // An unreadable file (a directory named ledger.jsonl, no permission) is an unusable store too.
    throw new RollgateError(
      'ROLLGATE_STORE_UNAVAILABLE',
      `${store.description}: cannot read the store (${createMasker([])((error as Error).message)}); fix or move what is in the way.`,
    );
  }
  return store;
}

async function connect(reportsDir: string, env: NodeJS.ProcessEnv): Promise<Store> {
  const url = env.ROLLGATE_LEDGER_URL;
  // Run folders go to the reports directory whichever store keeps the ledger.
  assertReportsDir(reportsDir);
  if (!url) return fileStore(reportsDir);
  const masked = createMasker([])(url);
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new RollgateError(
      'ROLLGATE_BAD_ARGUMENT',
      `ROLLGATE_LEDGER_URL: ${masked} is not a postgres:// URL; unset it to use ${reportsDir}/ledger.jsonl.`,
    );
  }
  try {
    return await pgStore(url, masked);
  } catch (error) {
    throw new RollgateError(
      'ROLLGATE_STORE_UNAVAILABLE',
      `ROLLGATE_LEDGER_URL: cannot use ${masked}: ${createMasker([])((error as Error).message)}`,
    );
  }
}
