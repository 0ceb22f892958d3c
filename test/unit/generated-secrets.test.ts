import { describe, expect, test } from 'vitest';
import { resolveGate } from '../../src/config/options.ts';
import { createChildSet } from '../../src/engine/children.ts';
import { startStageTargets } from '../../src/engine/targets.ts';
import { authEnvNames } from '../../src/model/auth-env.ts';
import { Runbook } from '../../src/model/runbook.ts';

const runbook = Runbook.parse({
  name: 'shop',
  targets: {
    app: {
      secrets: ['SESSION_SECRET', 'APP_PASSWORD', 'API_KEY'],
      auth: {
        type: 'json',
        path: '/api/login',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the runbook's template, read from the environment
        body: { user: 'me', password: '${APP_PASSWORD}' },
        tokenPath: 't',
      },
      embedded: { command: ['node', 'app.js'], version: '1.0.0' },
    },
  },
  stages: { staging: { target: 'app', checks: [], load: { profile: 'x.profile.ts' } } },
});

describe('secrets generated for an app rollgate starts', () => {
  test('the variables a login reads, by kind', () => {
    expect(authEnvNames(runbook.targets.app!.auth)).toEqual(['APP_PASSWORD']);
    expect(
      authEnvNames({
        type: 'form',
        path: '/login',
        usernameEnv: 'U',
        passwordEnv: 'P',
        usernameField: 'u',
        passwordField: 'p',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a template
        fields: { otp: '${OTP}' },
      }),
    ).toEqual(['U', 'P', 'OTP']);
  });

  test('are never the account the gate signs in with: a random password could only fail the login', async () => {
    const gate = resolveGate(runbook, 'staging', {});
    const targets = await startStageTargets(gate, {
      root: process.cwd(),
      env: { API_KEY: 'set-by-ci' },
      vars: {},
      children: createChildSet(`gen-${process.pid}`),
      signal: new AbortController().signal,
      blocked: 'not starting anything in this test',
    });
    expect(Object.keys(targets.targetEnv)).toEqual(['SESSION_SECRET']);
    expect(targets.targetEnv.SESSION_SECRET).toMatch(/^[0-9a-f]{48}$/);
  });
});
