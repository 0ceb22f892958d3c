/**
 * What `rollgate init` changes in an app's package.json and .gitignore, computed as text before
 * anything is written (init is all-or-nothing).
 */

/** The npm scripts init adds: each stage's gate (the release from ROLLGATE_RELEASE, else the app's version) and the report. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion, run by npm's sh, not a JS template
export const RELEASE_ARG = '--release "${ROLLGATE_RELEASE:-$npm_package_version}"';
export const INIT_SCRIPTS: Record<string, string> = {
  'gate:preflight': `rollgate gate preflight ${RELEASE_ARG}`,
  'gate:staging': `rollgate gate staging ${RELEASE_ARG}`,
  'gate:canary': `rollgate gate canary ${RELEASE_ARG}`,
  'gate:production': `rollgate gate production ${RELEASE_ARG}`,
  'drill:dr': `rollgate gate dr ${RELEASE_ARG}`,
  // The single-file HTML report of the latest run (the CI templates run it after every gate).
  report: 'rollgate report',
};

/** Packages whose install scripts rollgate's dependencies need (npm 11.16+ reads `allowScripts`). */
export const ALLOW_SCRIPTS = ['better-sqlite3', 'esbuild'] as const;

export interface PackageEdit {
  text: string;
  added: string[];
  replaced: string[];
  kept: string[];
  allowed: string[];
}

/** The indentation package.json uses (npm keeps it), two spaces when it cannot tell. */
function indentOf(text: string): string | number {
  return /^\{\r?\n([ \t]+)"/.exec(text)?.[1] ?? 2;
}

/** Adds the gate scripts (an existing one is replaced only with `force`) and `allowScripts` entries. */
export function editPackageJson(text: string, pkg: Record<string, unknown>, force: boolean): PackageEdit {
  const scripts = { ...((pkg.scripts as Record<string, string> | undefined) ?? {}) };
  const edit: PackageEdit = { text, added: [], replaced: [], kept: [], allowed: [] };
  for (const [name, command] of Object.entries(INIT_SCRIPTS)) {
    if (!(name in scripts)) edit.added.push(name);
    else if (scripts[name] === command) continue;
    else if (force) edit.replaced.push(name);
    else {
      edit.kept.push(name);
      continue;
    }
    scripts[name] = command;
  }
  const allow = { ...((pkg.allowScripts as Record<string, unknown> | undefined) ?? {}) };
  for (const name of ALLOW_SCRIPTS) {
    if (name in allow) continue;
    allow[name] = true;
    edit.allowed.push(name);
  }
  const next = { ...pkg, scripts, allowScripts: allow };
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  edit.text = JSON.stringify(next, null, indentOf(text)).replaceAll('\n', eol) + eol;
  return edit;
}

/** The folders rollgate writes in an app that must stay out of git, each with the comment above it. */
const IGNORED = [
  { entry: 'reports', comment: '# rollgate: verdicts, reports and the ledger of each run' },
  {
    entry: 'backups',
    comment: "# rollgate backup's default folder: copies of the app's data, which may hold credentials",
  },
  {
    entry: '.cache/rollgate',
    comment: '# rollgate prometheus install: the Prometheus binaries metric checks run on',
  },
] as const;

/**
 * `.gitignore` with `reports/` (rollgate's run output), `backups/` (`rollgate backup`'s default
 * folder) and `.cache/rollgate/` (`rollgate prometheus install`) appended, each unless an entry
 * already ignores it; undefined when all are there.
 */
export function editGitignore(text: string | undefined): { text: string; added: string[] } | undefined {
  const lines = (text ?? '').split(/\r?\n/).map((l) => l.trim());
  const missing = IGNORED.filter(
    ({ entry }) => !lines.some((l) => l.replace(/^\//, '').replace(/\/$/, '') === entry),
  );
  if (!missing.length) return undefined;
  const body = text ?? '';
  const sep = body === '' || body.endsWith('\n') ? '' : '\n';
  return {
    text: `${body}${sep}${missing.map(({ entry, comment }) => `${comment}\n${entry}/\n`).join('')}`,
    added: missing.map(({ entry }) => `${entry}/`),
  };
}

/** A package name as a runbook name: lower-case letters, digits and dashes (`@acme/My_App` → `acme-my-app`). */
export function runbookName(packageName: string): string {
  const name = packageName
    .toLowerCase()
    .replace(/^@/, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return name || 'app';
}
