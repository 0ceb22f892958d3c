import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { redactRunDir } from '../checks/redact/redact-files.ts';
import type { LoadedRunbook } from '../config/load-runbook.ts';
import type { ResolvedGate } from '../config/options.ts';
import type { Store } from '../engine/store/store.ts';
import type { Notify } from '../model/notify.ts';
import type { Verdict } from '../model/verdict.ts';
import { sendNotifications } from '../reporters/notify.ts';
import { publish } from '../reporters/publish.ts';

/** The first line of a gate or a watch: what runs, for which release, and where history goes. */
export function announce(loaded: LoadedRunbook, gate: ResolvedGate, store: Store): string {
  return `rollgate: ${loaded.runbook.name}/${gate.stageName}, release ${gate.release} (${loaded.file}); history in ${store.description}`;
}

/** Where a gate's words go: stdout, or stderr under `--json` (stdout then holds the verdict alone). */
export function infoStream(json: boolean | undefined): NodeJS.WriteStream {
  return json ? process.stderr : process.stdout;
}

/**
 * Writes the final verdict (verdict.json, ledger line, reports), prints it with `render`, tells
 * the runbook's webhooks, and returns the exit code: 0 only for a recorded PROMOTE. A verdict that
 * cannot be recorded HOLDs. Under `json`, stdout gets verdict.json as written and nothing else.
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
  /** `--json`: the verdict on stdout, everything else on stderr. */
  json?: boolean;
  /** The runbook's webhooks, told once the verdict is recorded; they never change it. */
  notify?: Notify;
}): Promise<number> {
  const { mask } = o;
  const out = infoStream(o.json);
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
  out.write(mask(o.render(published.verdict)));
  for (const e of published.reporterErrors) process.stderr.write(`rollgate: ${mask(e)}\n`);
  out.write(`${mask(`verdict: ${path.relative(process.cwd(), published.verdictFile)}`)}\n`);
  if (o.json) process.stdout.write(verdictJson(published.verdictFile, published.verdict));
  if (o.notify) {
    const told = await sendNotifications({
      notify: o.notify,
      verdict: published.verdict,
      drill: Boolean(o.gate.stage.drill),
      runDir: o.runDir,
      env: process.env,
      mask,
    });
    for (const s of told.sent) out.write(`${mask(`notified ${s}`)}\n`);
    for (const w of told.warnings) process.stderr.write(`rollgate: ${mask(w)}\n`);
  }
  return published.verdict.verdict === 'promote' ? 0 : 1;
}

/** verdict.json as written (masked, validated); the same object when the file cannot be read back. */
function verdictJson(file: string, verdict: Verdict): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return `${JSON.stringify(verdict, null, 2)}\n`;
  }
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
