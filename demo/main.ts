/**
 * `npm run demo`: starts the demo from environment variables and prints exactly one stdout line,
 * `rollgate-demo listening on http://127.0.0.1:<port>`, which the harness parses for the port.
 * Everything else goes to stderr. Exit 2 when it cannot start (bad config, unknown fault, refused DB).
 */
import { readDemoConfig } from './config.ts';
import { effectiveConfigPath, removeEffectiveConfig, writeEffectiveConfig } from './effective-config.ts';
import { resolveFaults } from './faults.ts';
import { type DemoServer, startDemo } from './server.ts';

function fail(error: unknown): never {
  process.stderr.write(`rollgate-demo: cannot start: ${(error as Error)?.message ?? String(error)}\n`);
  process.exit(2);
}

let demo: DemoServer;
let configFile: string | undefined;
try {
  const config = readDemoConfig(process.env);
  demo = await startDemo(config);
  // Written before the ready line, so a gate's hygiene suite always finds this start's config.
  configFile = writeEffectiveConfig(effectiveConfigPath(process.env), {
    environment: config.environment ?? 'demo',
    version: config.version ?? '',
    faults: resolveFaults(config.faults),
  });
} catch (error) {
  fail(error);
}

process.stdout.write(`rollgate-demo listening on ${demo.url}\n`);

let stoppingSince = 0;
function stop(signal: NodeJS.Signals): void {
  // A second Ctrl-C means "now": skip the graceful close. Within a second it is the same Ctrl-C
  // delivered twice (terminal process group plus a wrapper such as tsx or npm relaying it).
  if (stoppingSince) {
    if (Date.now() - stoppingSince > 1000) process.exit(130);
    return;
  }
  stoppingSince = Date.now();
  if (configFile) removeEffectiveConfig(configFile);
  demo.close().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`rollgate-demo: error while stopping on ${signal}: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
