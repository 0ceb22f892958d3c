import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RollgateError } from '../config/errors.ts';

/** The CI templates shipped in the package: `templates/ci/` beside dist/ (or src/ in a checkout). */
export const ciTemplatesDir = () => fileURLToPath(new URL('../../templates/ci/', import.meta.url));

/**
 * What `rollgate init --ci <system>` copies: each template (relative to templates/ci/) and where it
 * goes in the app. GitLab's goes beside .gitlab-ci.yml, which includes it, so an existing pipeline
 * is never overwritten.
 */
export const CI_TEMPLATES = {
  github: [
    ['github/rollgate-pr.yml', '.github/workflows/rollgate-pr.yml'],
    ['github/rollgate-canary.yml', '.github/workflows/rollgate-canary.yml'],
    ['github/rollgate-dr.yml', '.github/workflows/rollgate-dr.yml'],
  ],
  gitlab: [['gitlab/rollgate.gitlab-ci.yml', '.gitlab/rollgate.gitlab-ci.yml']],
} as const satisfies Record<string, readonly (readonly [template: string, dest: string])[]>;

export type CiSystem = keyof typeof CI_TEMPLATES;

/** `--ci github|gitlab`, or undefined when not given; anything else is a bad argument. */
export function ciArg(value: string | undefined): CiSystem | undefined {
  if (value === undefined || value === '') return undefined;
  if (Object.hasOwn(CI_TEMPLATES, value)) return value as CiSystem;
  throw new RollgateError(
    'ROLLGATE_BAD_ARGUMENT',
    `init --ci: "${value}" is not a CI rollgate has templates for; use --ci ${Object.keys(CI_TEMPLATES).join(' or --ci ')}.`,
  );
}

/** The files `--ci` adds to what init writes: destination relative to the app, and the template's text. */
export function ciFiles(system: CiSystem | undefined): { rel: string; text: string }[] {
  if (!system) return [];
  const templates: readonly (readonly [string, string])[] = CI_TEMPLATES[system];
  return templates.map(([template, rel]) => ({
    rel,
    text: readFileSync(path.join(ciTemplatesDir(), template), 'utf8'),
  }));
}

/** What to do once the templates are in place: the secret to set, and GitLab's include. */
export function ciNextSteps(system: CiSystem | undefined): string[] {
  if (system === 'github')
    return [
      '  CI: set the Actions secret ROLLGATE_LEDGER_URL (postgres://…) so every job shares one ledger;',
      '      .github/workflows/rollgate-*.yml say what else to set (environments, the drill)',
    ];
  if (system === 'gitlab')
    return [
      '  CI: add `include: [{ local: .gitlab/rollgate.gitlab-ci.yml }]` to .gitlab-ci.yml, the CI/CD',
      '      variable ROLLGATE_LEDGER_URL (postgres://…, masked) and a nightly schedule with ROLLGATE_DRILL=dr',
    ];
  return [];
}
