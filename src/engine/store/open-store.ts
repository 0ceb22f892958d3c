import { RollgateError } from '../../config/errors.ts';
import { createMasker } from '../../config/mask.ts';
import { fileStore } from './file-store.ts';
import { pgStore } from './pg-store.ts';
import type { Store } from './store.ts';

/** `ROLLGATE_LEDGER_URL=postgres://…` keeps ledger, sign-offs and waivers in PostgreSQL; else local files. */
export async function openStore(reportsDir: string, env: NodeJS.ProcessEnv = process.env): Promise<Store> {
  const url = env.ROLLGATE_LEDGER_URL;
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
