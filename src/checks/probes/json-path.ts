/** What a dotted path reached in a parsed JSON value. */
export interface PathRead {
  found: boolean;
  /** The value at the path, when found. */
  value?: unknown;
  /** When not found: the keys of the deepest object reached (for "absent (keys: …)"). */
  keys: string[];
}

/**
 * Reads a dotted path (`checks.database.status`, `items.0.id`) in a parsed JSON value, through own
 * properties only: `constructor` or `toString` from an object's prototype are never found.
 */
export function readPath(value: unknown, dotted: string): PathRead {
  let current = value;
  for (const key of dotted.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key))
      return {
        found: false,
        keys: current !== null && typeof current === 'object' ? Object.keys(current) : [],
      };
    current = (current as Record<string, unknown>)[key];
  }
  return { found: true, value: current, keys: [] };
}

/** The value at a dotted path of a parsed JSON body, or undefined (see {@link readPath}). */
export const atPath = (value: unknown, dotted: string): unknown => readPath(value, dotted).value;
