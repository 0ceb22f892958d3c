import path from 'node:path';

const DECLARED_ID = /\s*\[([A-Za-z0-9][A-Za-z0-9._:/-]*)\]\s*$/;

export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/@[a-z0-9-]+/g, '') // Playwright tags are selection, not identity
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** `runbooks/preflight.suite.ts` → `preflight`; `smoke/golden-paths.spec.ts` → `golden-paths`. */
export function suiteStem(file: string): string {
  return path
    .basename(file)
    .replace(/\.(suite|spec|test)\.[cm]?[jt]s$/, '')
    .replace(/\.[cm]?[jt]s$/, '');
}

/**
 * A check's stable identity: declared by its author as a trailing `[id]` in the title, or derived
 * from suite and title path, so renaming a describe block is a visible change of identity.
 * @example checkIdentity('smoke/golden-paths.spec.ts', ['login works @canary']) // { id: 'golden-paths/login-works', ... }
 */
export function checkIdentity(file: string, titlePath: readonly string[]): { id: string; title: string } {
  const last = titlePath.at(-1) ?? '';
  const declared = DECLARED_ID.exec(last);
  const cleanLast = declared ? last.slice(0, declared.index) : last;
  const parts = [...titlePath.slice(0, -1), cleanLast];
  const title =
    parts
      .join(' › ')
      .replace(/\s*@[a-z0-9-]+/gi, '')
      .trim() || file;
  const id = declared ? declared[1]! : `${suiteStem(file)}/${slug(parts.join(' ')) || 'untitled'}`;
  return { id, title };
}

/** Does a check id match an `advisory` entry: exact, or `prefix*`. */
export function matchesPattern(id: string, pattern: string): boolean {
  return pattern.endsWith('*') ? id.startsWith(pattern.slice(0, -1)) : id === pattern;
}
