#!/usr/bin/env node
// Registers tsx so runbooks and the harness run as TypeScript without a build step.
import { register } from 'tsx/esm/api';

register();
// `rollgate plan canary | head`: a reader that closes early is not a crash.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
