/** `${NAME}` in a declared value: NAME is an environment variable (upper case, digits, `_`). */
const TEMPLATE = /\$\{([A-Z_][A-Z0-9_]*)\}/g;

/**
 * The shortest template value kept as a secret to mask, as `secretLookingValues` (src/config/mask.ts)
 * keeps secret-named variables: masking shorter values (`en`, `yes`, `1`) would garble ordinary text.
 */
export const MIN_SECRET_LENGTH = 6;

/** The template values worth masking: those of MIN_SECRET_LENGTH characters or more. */
export function templateSecrets(values: Iterable<string | undefined>): string[] {
  return [...values].filter((v): v is string => (v?.length ?? 0) >= MIN_SECRET_LENGTH);
}

/** The variables a template reads, in order (repeats included). */
export function templateNames(template: string): string[] {
  return [...template.matchAll(TEMPLATE)].map((m) => m[1]!);
}

/**
 * Fills every `${NAME}` of `template` from `env`. A variable that is unset or empty is never filled
 * silently: `onMissing(name)` decides, by throwing (the usual answer: an error naming the field and
 * the variable) or by returning the text to put there. Each value read from `env` is added to
 * `read`, when given (the caller's secrets).
 * @example fillTemplate('Bearer ${API_TOKEN}', env, (n) => { throw new Error(`${n} is not set`) })
 */
export function fillTemplate(
  template: string,
  env: NodeJS.ProcessEnv,
  onMissing: (name: string) => string,
  read?: string[],
): string {
  return template.replace(TEMPLATE, (_m, name: string) => {
    const value = env[name];
    if (!value) return onMissing(name);
    read?.push(value);
    return value;
  });
}
