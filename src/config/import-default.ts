import { pathToFileURL } from 'node:url';

let registerLoader: (() => Promise<void>) | undefined;
let loaderReady: Promise<void> | undefined;

/**
 * How user modules load as TypeScript (bin/rollgate.mjs registers tsx here): run once, before the
 * first user module is imported, so a command that imports none (`backup verify`, `--help`) never
 * pays for it.
 */
export function beforeFirstUserImport(register: () => Promise<void>): void {
  registerLoader = register;
  loaderReady = undefined;
}

/**
 * The default export of a user's module (runbook, load profile) loaded through tsx. In a project
 * whose package.json has no `"type": "module"` (npm's default, CommonJS), tsx compiles a `.ts`
 * file to CommonJS: `import()` then gives `{ default: module.exports }`, and the file's own
 * `export default` is `module.exports.default` (marked `__esModule`). Both shapes give the same value.
 */
export async function importDefault(file: string): Promise<unknown> {
  if (registerLoader) loaderReady ??= registerLoader();
  await loaderReady;
  const ns = (await import(pathToFileURL(file).href)) as { default?: unknown };
  const value = ns.default as { __esModule?: boolean; default?: unknown } | undefined;
  return value && typeof value === 'object' && value.__esModule === true ? value.default : value;
}
