/**
 * Which tests of a suite or spec are placeholders, read from its source without running it: a
 * small static scan, not a TypeScript parser. It finds the names `placeholder` is imported as
 * from `rollgate/vitest` or `rollgate/playwright` (`import { placeholder as todo } …`, or a
 * namespace import's `rg.placeholder`), then each call of it:
 *
 * - vitest, `placeholder('title', 'hint', { id: 'x' })`: the test is named `title`, or
 *   `title [x]` with an id;
 * - Playwright, `test('title', placeholder('hint'))` (also `test('title', { tag }, placeholder(…))`):
 *   the test is named `title`.
 *
 * A title must be a string literal (quotes, or backticks without `${}`). A call whose title is
 * anything else cannot be matched to a listed test: it is returned as unresolved, with its line,
 * and coverage counts every test of that file as unknown rather than written.
 */

export interface PlaceholderScan {
  /** Test names (the last element of a listed test's title path) declared with placeholder(). */
  names: Set<string>;
  /** Lines of placeholder() calls whose test name is not a literal. */
  unresolved: number[];
}

type Token =
  | { t: 'id'; v: string; line: number }
  | { t: 'str'; v: string; line: number }
  | { t: 'expr-str'; line: number }
  | { t: 'punct'; v: string; line: number };

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', v: '\v', 0: '\0' };

/** Identifiers, string literals and punctuation; comments and numbers are skipped (a regular expression literal is read as punctuation). */
function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) i++;
    else if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end < 0 ? src.length : end + 2;
      line += (src.slice(i, stop).match(/\n/g) ?? []).length;
      i = stop;
    } else if (c === "'" || c === '"' || c === '`') {
      const start = line;
      let v = '';
      let expr = false;
      i++;
      while (i < src.length && src[i] !== c) {
        if (src[i] === '\\') {
          const e = src[i + 1] ?? '';
          if (e === '\n') line++;
          else if (e === 'u' || e === 'x') {
            const m = /^u\{([0-9a-fA-F]+)\}|^u([0-9a-fA-F]{4})|^x([0-9a-fA-F]{2})/.exec(src.slice(i + 1));
            if (m) {
              v += String.fromCodePoint(Number.parseInt(m[1] ?? m[2] ?? m[3]!, 16));
              i += 1 + m[0].length;
              continue;
            }
          } else v += ESCAPES[e] ?? e;
          i += 2;
          continue;
        }
        if (c === '`' && src[i] === '$' && src[i + 1] === '{') {
          expr = true;
          // Skip the expression, nested braces and all.
          let depth = 0;
          for (i += 1; i < src.length; i++) {
            if (src[i] === '{') depth++;
            else if (src[i] === '}' && --depth === 0) break;
            else if (src[i] === '\n') line++;
          }
          i++;
          continue;
        }
        if (src[i] === '\n') line++;
        v += src[i];
        i++;
      }
      i++;
      out.push(expr ? { t: 'expr-str', line: start } : { t: 'str', v, line: start });
    } else if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][\w$]*/.exec(src.slice(i))!;
      out.push({ t: 'id', v: m[0], line });
      i += m[0].length;
    } else if (/\d/.test(c)) {
      i += /^[\d._xXa-fA-FnoObB]+/.exec(src.slice(i))![0].length;
    } else {
      out.push({ t: 'punct', v: c, line });
      i++;
    }
  }
  return out;
}

const IMPORT =
  /import\s+(?:type\s+)?(?:\{([^}]*)\}|\*\s+as\s+([A-Za-z_$][\w$]*))\s*from\s*['"]rollgate\/(vitest|playwright)['"]/g;

interface Names {
  /** Callee spellings of placeholder: `placeholder`, `todo`, `rg.placeholder`. */
  placeholder: Map<string, 'vitest' | 'playwright'>;
}

function importedNames(src: string): Names {
  const placeholder = new Map<string, 'vitest' | 'playwright'>();
  for (const m of src.matchAll(IMPORT)) {
    const form = m[3] as 'vitest' | 'playwright';
    if (m[2]) placeholder.set(`${m[2]}.placeholder`, form);
    for (const spec of (m[1] ?? '').split(',')) {
      const s = /^\s*(?:type\s+)?([A-Za-z_$][\w$]*)(?:\s+as\s+([A-Za-z_$][\w$]*))?\s*$/.exec(spec);
      if (s && s[1] === 'placeholder') placeholder.set(s[2] ?? s[1], form);
    }
  }
  return { placeholder };
}

const isPunct = (t: Token | undefined, v: string) => t?.t === 'punct' && t.v === v;

/** The index of the token that closes the bracket opened at `open` (forward) or opens the one closed at `close` (backward). */
function matching(tokens: Token[], at: number, dir: 1 | -1): number {
  const [o, c] = dir === 1 ? ['{', '}'] : ['}', '{'];
  let depth = 0;
  for (let i = at; i >= 0 && i < tokens.length; i += dir) {
    if (isPunct(tokens[i], o)) depth++;
    else if (isPunct(tokens[i], c) && --depth === 0) return i;
  }
  return -1;
}

/** The placeholder tests a suite or spec declares (see the module comment). */
export function scanPlaceholders(source: string): PlaceholderScan {
  const names = new Set<string>();
  const unresolved: number[] = [];
  const { placeholder } = importedNames(source);
  if (!placeholder.size) return { names, unresolved };
  const tokens = tokenize(source);
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    if (tok.t !== 'id') continue;
    // The callee: `name(` or `ns.placeholder(`.
    let callee = tok.v;
    let end = i;
    if (isPunct(tokens[i + 1], '.') && tokens[i + 2]?.t === 'id') {
      callee = `${tok.v}.${(tokens[i + 2] as { v: string }).v}`;
      end = i + 2;
    }
    const form = placeholder.get(callee);
    if (!form || !isPunct(tokens[end + 1], '(')) continue;
    // Not a member of something else (`other.placeholder(`), and not its own import or declaration.
    if (end === i && isPunct(tokens[i - 1], '.')) continue;
    if (
      tokens[i - 1]?.t === 'id' &&
      /^(function|import|export|const|let|var|as)$/.test((tokens[i - 1] as { v: string }).v)
    )
      continue;
    if (form === 'vitest') {
      const title = tokens[end + 2];
      if (title?.t !== 'str') {
        unresolved.push(tok.line);
        continue;
      }
      // An options object after title and hint: `{ id: 'x' }`.
      let name = title.v;
      let j = end + 3;
      if (
        isPunct(tokens[j], ',') &&
        tokens[j + 1]?.t === 'str' &&
        isPunct(tokens[j + 2], ',') &&
        isPunct(tokens[j + 3], '{')
      ) {
        const close = matching(tokens, j + 3, 1);
        for (j = j + 4; j < close; j++) {
          const k = tokens[j];
          if (k?.t === 'id' && k.v === 'id' && isPunct(tokens[j + 1], ':')) {
            const v = tokens[j + 2];
            if (v?.t === 'str') name = `${title.v} [${v.v}]`;
            else unresolved.push(tok.line);
          }
        }
      }
      names.add(name);
    } else {
      // test('title', placeholder(…)) or test('title', { … }, placeholder(…)).
      let k = i - 1;
      if (!isPunct(tokens[k], ',')) {
        unresolved.push(tok.line);
        continue;
      }
      k--;
      if (isPunct(tokens[k], '}')) {
        k = matching(tokens, k, -1) - 1;
        if (!isPunct(tokens[k], ',')) {
          unresolved.push(tok.line);
          continue;
        }
        k--;
      }
      const title = tokens[k];
      if (title?.t === 'str' && isPunct(tokens[k - 1], '(')) names.add(title.v);
      else unresolved.push(tok.line);
    }
  }
  return { names, unresolved };
}
