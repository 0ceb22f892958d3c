import { afterEach, describe, expect, test } from 'vitest';
import { createChildSet } from '../../src/engine/children.ts';
import { startEmbedded } from '../../src/engine/embedded.ts';
import { Embedded } from '../../src/model/runbook.ts';

/** A real node child: an HTTP server on `port` (0: any) that prints `line` ({url} replaced) once listening. */
const app = (line: string, port = '0') => [
  process.execPath,
  '-e',
  `const s=require('node:http').createServer((q,r)=>r.end('ok'));s.listen(Number(${port}),'127.0.0.1',()=>{console.log('booting');console.log(${JSON.stringify(line)}.replace('{url}','http://127.0.0.1:'+s.address().port))})`,
];

const children = createChildSet(`embedded-test-${process.pid}`);
afterEach(() => children.stopAll());

function start(spec: Partial<Embedded> & { command: string[] }, env: Record<string, string> = {}) {
  return startEmbedded(Embedded.parse({ version: '1.0.0', ...spec }), children, {
    cwd: process.cwd(),
    env: process.env,
    extraEnv: env,
    signal: new AbortController().signal,
  });
}

describe('apps rollgate starts', () => {
  test('a URL printed in colour is found: ANSI codes are stripped before matching', async () => {
    const started = await start({
      command: app('\u001b[32mlistening on \u001b[1m{url}\u001b[22m\u001b[39m'),
    });
    expect(started.baseURL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test('a line that never matches fails naming the pattern and showing the last output lines', async () => {
    const error = await start({
      command: app('Server ready at {url}'),
      // Long enough for node to start and print on a busy machine; the line never matches anyway.
      startTimeoutMs: 5000,
    }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('for a line matching /listening on (http://\\S+)/');
    expect((error as Error).message).toMatch(/last output lines:\n {4}booting\n {4}Server ready at http:/);
  });

  test('an app that exits before it is ready shows what it printed and its exit code', async () => {
    const error = await start({
      command: [
        process.execPath,
        '-e',
        'console.error("\\u001b[31mEADDRINUSE: port taken\\u001b[39m"); process.exit(3)',
      ],
    }).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/^exited with code 3 while waiting for a line matching/);
    expect((error as Error).message).toContain('    EADDRINUSE: port taken');
    expect((error as Error).message).not.toContain('\u001b[');
  });

  test('{port}: rollgate picks the port, and readyPath answering is enough (no URL line needed)', async () => {
    const started = await start(
      { command: app('up', 'process.env.APP_PORT'), readyPath: '/health' },
      { APP_PORT: '{port}' },
    );
    expect(started.baseURL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(started.env.APP_PORT).toBe(started.baseURL.split(':')[2]);
    expect(await (await fetch(`${started.baseURL}/health`)).text()).toBe('ok');
  });
});
