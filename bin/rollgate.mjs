#!/usr/bin/env node
// Registers tsx so runbooks and the harness run as TypeScript without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
