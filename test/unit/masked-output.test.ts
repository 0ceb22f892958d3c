import { describe, expect, it } from 'vitest';
import { maskedLines } from '../../src/cli/masked-lines.ts';
import { createMasker, secretLookingValues } from '../../src/config/mask.ts';

describe('streamed output is masked whole lines at a time', () => {
  it('a secret split across two chunks never reaches the output', () => {
    const out: string[] = [];
    const mask = createMasker(['hunter2-secret']);
    const lines = maskedLines(
      (t) => out.push(t),
      () => mask,
    );
    lines.write('login as smoke with hunt');
    lines.write('er2-sec');
    expect(out).toEqual([]);
    lines.write('ret\nnext line, no newline yet: hunter2-');
    lines.flush();
    expect(out).toEqual(['login as smoke with ***\n', 'next line, no newline yet: hunter2-']);
    expect(out.join('')).not.toContain('hunter2-secret');
  });

  it('uses the masker current at each write, so secrets generated mid-run are masked too', () => {
    const out: string[] = [];
    let mask = createMasker([]);
    const lines = maskedLines(
      (t) => out.push(t),
      () => mask,
    );
    lines.write('baseline password generated-pw-123');
    mask = createMasker(['generated-pw-123']);
    lines.flush();
    expect(out).toEqual(['baseline password ***']);
  });
});

describe('secretLookingValues: what errors printed before a runbook loads are masked with', () => {
  it('takes values of variables named like secrets, 6 characters or more', () => {
    expect(
      secretLookingValues({
        SMOKE_PASSWORD: 'p@ss w/"rd+&1',
        SESSION_SECRET: 'abcdefgh',
        GITHUB_TOKEN: 'ghp_123456',
        DB_PASSWD: 'short',
        HOME: '/root',
        PATH: '/usr/bin',
      }),
    ).toEqual(['p@ss w/"rd+&1', 'abcdefgh', 'ghp_123456']);
  });
});
