#!/usr/bin/env node
// Registers tsx so runbooks and the harness run as TypeScript without a build step.
import { register } from 'tsx/esm/api';

register();
// `rollgate plan canary | head`: a reader that closes early is not a crash, and not a verdict
// either: the run goes on to its end (verdict, ledger, stopped children) and exits with its code.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
  });
}
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
