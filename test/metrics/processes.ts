import { readdirSync, readFileSync } from 'node:fs';

/** Processes whose command line names `folder` (a Prometheus or promtool left running), as `pid: cmdline`. */
export function processesUsing(folder: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmdline.includes(folder)) found.push(`${pid}: ${cmdline}`);
    } catch {
      // Gone between the listing and the read.
    }
  }
  return found;
}
