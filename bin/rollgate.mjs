#!/usr/bin/env node
// rollgate's command line. The engine is the package's built JavaScript (dist/); tsx is registered
// so the runbook, its load profiles and anything they import load as TypeScript without a build step,
// for ES modules and, in a project without "type": "module" (npm's default), CommonJS: without tsx's
// CommonJS hook, Node loads such a .ts file through require() and fails with ERR_REQUIRE_CYCLE_MODULE.
// It is registered just before the first such module is imported: a command that loads none
// (`backup verify` of a file, `--help`) does not pay for it.
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (existsSync(main)) {
  const userModules = await import(new URL('../dist/config/import-default.js', import.meta.url).href);
  userModules.beforeFirstUserImport(async () => {
    const [esm, cjs] = await Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')]);
    esm.register();
    cjs.register();
  });
  // `rollgate plan canary | head`: a reader that closes early is not a crash, and not a verdict
  // either: the run goes on to its end (verdict, ledger, stopped children) and exits with its code.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
  const cli = await import(main.href);
  process.exitCode = await cli.main(process.argv.slice(2));
} else {
  // Ends on its own like every other path (no process.exit): nothing was started.
  // Installed (under node_modules/) from a git URL whose `prepare` npm did not run (npm 12 runs it
  // only when the app's allowScripts allows it), or a checkout that was never built.
  const installed = /[\\/]node_modules[\\/]/.test(decodeURIComponent(main.pathname));
  process.stderr.write(
    installed
      ? 'rollgate: dist/ is missing from the installed package: npm did not run its prepare script, which builds dist/ when rollgate is installed from a git URL. Add "allowScripts": { "rollgate": true } to your package.json and install rollgate again, or install a packed tarball (`npm pack` in a rollgate checkout).\n'
      : 'rollgate: dist/ is missing: this is a checkout of rollgate, not an installed package. Run `npm run build` (or `npm run setup`) first.\n',
  );
  process.exitCode = 2;
}
