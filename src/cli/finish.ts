import { rmSync } from 'node:fs';
import path from 'node:path';
import { redactRunDir } from '../checks/redact/redact-files.ts';
import type { LoadedRunbook } from '../config/load-runbook.ts';
import type { ResolvedGate } from '../config/options.ts';
import type { Store } from '../engine/store/store.ts';
import type { Verdict } from '../model/verdict.ts';
import { publish } from '../reporters/publish.ts';

/** The first line of a gate or a watch: what runs, for which release, and where history goes. */
export function announce(loaded: LoadedRunbook, gate: ResolvedGate, store: Store): string {
  return `rollgate: ${loaded.runbook.name}/${gate.stageName}, release ${gate.release} (${loaded.file}); history in ${store.description}`;
}

/**
 * Writes the final verdict (verdict.json, ledger line, reports), prints it with `render`, and
 * returns the exit code: 0 only for a recorded PROMOTE. A verdict that cannot be recorded HOLDs.
 */
export async function finish(o: {
  verdict: Verdict;
  runDir: string;
  gate: ResolvedGate;
  store: Store;
  mask: (text: string) => string;
  render: (verdict: Verdict) => string;
  /** What could not be written, for the error line: "the verdict or the ledger". */
  what: string;
}): Promise<number> {
  const { mask } = o;
  let published: Awaited<ReturnType<typeof publish>>;
  try {
    published = await publish({
      verdict: o.verdict,
      runDir: o.runDir,
      reportsDir: o.gate.reportsDir,
      mask,
      store: o.store,
      retain: o.gate.retain,
    });
  } catch (error) {
    const left = leaveNothingUnredacted(o.runDir, mask);
    process.stderr.write(
      mask(
        `rollgate: could not write ${o.what}: ${(error as Error).message}\n${left}HOLD (nothing recorded)\n`,
      ),
    );
    return 1;
  }
  process.stdout.write(mask(o.render(published.verdict)));
  for (const e of published.reporterErrors) process.stderr.write(`rollgate: ${mask(e)}\n`);
  process.stdout.write(`${mask(`verdict: ${path.relative(process.cwd(), published.verdictFile)}`)}\n`);
  return published.verdict.verdict === 'promote' ? 0 : 1;
}

/**
 * After a failed publish (which may have stopped before it redacted): cleans the run folder, or,
 * when that fails too, removes it, since nothing was recorded and unredacted evidence must not stay
 * under reports/. Returns what the user must know, as lines (empty when the folder is clean).
 */
export function leaveNothingUnredacted(runDir: string, mask: (text: string) => string): string {
  try {
    redactRunDir(runDir, mask);
    return '';
  } catch (error) {
    const why = (error as Error).message;
    try {
      rmSync(runDir, { recursive: true, force: true });
      return `rollgate: the run folder could not be cleaned of secrets (${why}), so it was removed: ${runDir}\n`;
    } catch (rmError) {
      return `rollgate: the run folder could not be cleaned of secrets (${why}) nor removed (${(rmError as Error).message}); delete it: ${runDir}\n`;
    }
  }
}
