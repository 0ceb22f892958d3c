import path from 'node:path';
import { build } from 'esbuild';
import { ObservationError } from '../authoring/errors.ts';
import type { K6Thresholds } from './k6-thresholds.ts';

const K6_MODULES = ['k6', 'k6/*'];
/** k6 runs ES2020+ in its own runtime: no Node, no browser, modules provided by k6 itself. */
const COMMON = {
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2020',
  external: K6_MODULES,
  write: false,
  logLevel: 'silent',
} as const;

export interface BundleOptions {
  /** The runbook's thresholds, added next to the script's own. */
  thresholds: K6Thresholds;
  /** Extra options forced over the script's (e.g. blacklistIPs keeping load on loopback). */
  force?: Record<string, unknown>;
}

/**
 * Bundles a hand-written `load/*.k6.ts` (typed by @types/k6) into one k6-ready JavaScript file and
 * injects thresholds: a wrapper module re-exports everything the script exports (scenario
 * functions, setup, handleSummary…) but replaces `options` with a copy whose thresholds are the
 * script's own plus the runbook's, so a script cannot drop a budget by leaving it out. A first
 * pass reads the script's export names, so the wrapper re-exports `default` only if it exists.
 */
export async function bundleK6Script(file: string, opts: BundleOptions): Promise<string> {
  const abs = path.resolve(file);
  let exports: string[];
  try {
    const first = await build({ ...COMMON, entryPoints: [abs], outfile: 'probe.js', metafile: true });
    exports = Object.values(first.metafile.outputs).flatMap((o) => o.exports);
  } catch (error) {
    throw new ObservationError(
      `${file}: cannot bundle the k6 script: ${firstError(error)}`,
      'ROLLGATE_K6_BUNDLE',
    );
  }
  const spec = JSON.stringify(abs);
  const wrapper = [
    `import * as script from ${spec};`,
    `export * from ${spec};`,
    exports.includes('default') ? 'export default script.default;' : '',
    'const own = script.options || {};',
    `const injected = ${JSON.stringify(opts.thresholds)};`,
    'const thresholds = Object.assign({}, own.thresholds);',
    'for (const key of Object.keys(injected)) thresholds[key] = [].concat(thresholds[key] || [], injected[key]);',
    `export const options = Object.assign({}, own, ${JSON.stringify(opts.force ?? {})}, { thresholds });`,
  ].join('\n');
  try {
    const out = await build({
      ...COMMON,
      stdin: {
        contents: wrapper,
        resolveDir: path.dirname(abs),
        sourcefile: 'rollgate-k6-wrapper.js',
        loader: 'js',
      },
    });
    return out.outputFiles[0]!.text;
  } catch (error) {
    throw new ObservationError(
      `${file}: cannot bundle the k6 script: ${firstError(error)}`,
      'ROLLGATE_K6_BUNDLE',
    );
  }
}

function firstError(error: unknown): string {
  const e = error as {
    errors?: { text: string; location?: { line: number; column: number } | null }[];
    message?: string;
  };
  const first = e.errors?.[0];
  if (!first) return e.message ?? String(error);
  return first.location ? `${first.text} (line ${first.location.line}:${first.location.column})` : first.text;
}
