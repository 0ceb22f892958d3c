import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.ts';

/** The runbooks docs/examples/ shows are the fixture apps' runbooks the tests gate, word for word. */
describe.each(['orders-api', 'flow-editor'])('docs/examples/%s.md', (app) => {
  it('shows the runbook the tests gate', () => {
    const doc = readFileSync(path.join(ROOT, `docs/examples/${app}.md`), 'utf8');
    const runbook = readFileSync(path.join(ROOT, `test/fixtures/apps/${app}/rollgate.runbook.ts`), 'utf8');
    const shown = /```ts\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(shown).toBe(runbook);
  });
});
