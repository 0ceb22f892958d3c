import { describe, expect, test } from 'vitest';
import { withoutColour } from '../../src/engine/children.ts';
import { firstLines } from '../../src/engine/plan.ts';

describe('escape codes never reach a reason', () => {
  test('children run with NO_COLOR=1 and without FORCE_COLOR, which colour libraries read as "force" even when 0', () => {
    const env = withoutColour({ PATH: '/bin', FORCE_COLOR: '0', TERM: 'xterm' });
    expect(env).toEqual({ PATH: '/bin', TERM: 'xterm', NO_COLOR: '1' });
  });

  // vitest strips escape codes from what it prints under this test's own environment, so a runner
  // that colours anyway (as vite did in an installed app with FORCE_COLOR=0) is stood in for by text.
  test('runner output quoted in a reason loses its escape codes, and an empty one says so', () => {
    expect(
      firstLines('\u001b[31m\u001b[1mError\u001b[22m: Transform failed\u001b[39m\n\n  at x.ts:1\n'),
    ).toBe('Error: Transform failed\n  at x.ts:1');
    expect(firstLines('a\nb\nc', 2)).toBe('a\nb');
    expect(firstLines('\u001b[0m\n')).toBe('no output');
  });
});
