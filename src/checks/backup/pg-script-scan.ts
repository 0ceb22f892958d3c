/**
 * Reads a PostgreSQL SQL script (a plain dump, or what pg_restore would run) the way psql would,
 * line by line, and reports what a restore into a scratch database must refuse: psql
 * meta-commands (`\connect` switches database, `\!` runs a shell…) other than pg_dump's own
 * `\restrict`/`\unrestrict`, and CREATE/DROP DATABASE. It tracks quotes, dollar quotes, comments
 * and COPY data, so a backslash inside a string or a row is not taken for a command.
 */

export const PG_TRAILER = '-- PostgreSQL database dump complete';

type State =
  | { kind: 'normal' }
  | { kind: 'quote'; close: string; escapes: boolean }
  | { kind: 'dollar'; tag: string }
  | { kind: 'block'; depth: number }
  | { kind: 'copy' };

const ALLOWED_META = new Set(['restrict', 'unrestrict']);
const DATABASE_DDL = /^\s*(CREATE|DROP)\s+DATABASE\b/i;
const SPECIAL = /['"$\\;/-]/g;
const COPY_STDIN = /^\s*COPY\b[\s\S]*\bFROM\s+stdin\b/i;

export class PgScriptScanner {
  readonly problems: string[] = [];
  /** True when the completion trailer was seen with nothing but comments and `\unrestrict` after it. */
  trailer = false;
  lines = 0;
  private state: State = { kind: 'normal' };
  private head = '';
  private tail = '';

  push(line: string): void {
    this.lines++;
    if (this.state.kind === 'copy') {
      if (line === '\\.') this.state = { kind: 'normal' };
      return;
    }
    const fresh = this.state.kind === 'normal' && this.head.trim() === '';
    if (fresh) this.trackTrailer(line);
    this.scan(line);
    if (this.state.kind === 'normal') this.append(' ');
  }

  /** The unfinished last line of the chunks given so far, in pieces (joined once, when it ends). */
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  /**
   * Raw script text in chunks as it comes (a tool's output), split into lines at `\n` with a
   * trailing `\r` dropped; call `endBytes()` after the last chunk. COPY data lines, most of a
   * dump, are only compared with `\.` byte by byte, never decoded; every other line goes to `push`.
   */
  pushBytes(chunk: Buffer): void {
    let start = 0;
    for (let end = chunk.indexOf(0x0a); end >= 0; end = chunk.indexOf(0x0a, start)) {
      if (this.pendingBytes > 0) {
        this.pending.push(chunk.subarray(start, end));
        this.endLine();
      } else this.lineBytes(chunk, start, end);
      start = end + 1;
    }
    if (start < chunk.length) {
      this.pending.push(chunk.subarray(start));
      this.pendingBytes += chunk.length - start;
    }
  }

  /** The last line, when the text does not end with a newline. */
  endBytes(): void {
    if (this.pendingBytes > 0) this.endLine();
  }

  private endLine(): void {
    const line = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    this.lineBytes(line, 0, line.length);
  }

  private lineBytes(buf: Buffer, start: number, end: number): void {
    const stop = end > start && buf[end - 1] === 0x0d ? end - 1 : end;
    if (this.state.kind === 'copy') {
      this.lines++;
      // `\.` ends the data; any other line is a row (see push).
      if (stop - start === 2 && buf[start] === 0x5c && buf[start + 1] === 0x2e)
        this.state = { kind: 'normal' };
      return;
    }
    this.push(buf.toString('utf8', start, stop));
  }

  private trackTrailer(line: string): void {
    const t = line.trim();
    if (t === PG_TRAILER) this.trailer = true;
    else if (t !== '' && !t.startsWith('--') && !t.startsWith('\\unrestrict')) this.trailer = false;
  }

  private append(text: string): void {
    if (this.head.length < 200) this.head += text;
    this.tail = (this.tail + text).slice(-200);
  }

  private problem(text: string): void {
    if (this.problems.length < 20) this.problems.push(`${text} at line ${this.lines}`);
  }

  private scan(line: string): void {
    let i = 0;
    while (i < line.length) {
      const s = this.state;
      if (s.kind === 'quote') {
        const j = line.indexOf(s.close, i);
        if (j < 0) return;
        if (s.escapes && isEscaped(line, j)) {
          i = j + 1;
          continue;
        }
        if (line[j + 1] === s.close) {
          i = j + 2;
          continue;
        }
        this.state = { kind: 'normal' };
        i = j + 1;
        continue;
      }
      if (s.kind === 'dollar') {
        const j = line.indexOf(s.tag, i);
        if (j < 0) return;
        this.state = { kind: 'normal' };
        i = j + s.tag.length;
        continue;
      }
      if (s.kind === 'block') {
        const open = line.indexOf('/*', i);
        const close = line.indexOf('*/', i);
        if (close < 0 && open < 0) return;
        if (open >= 0 && (close < 0 || open < close)) {
          s.depth++;
          i = open + 2;
        } else {
          s.depth--;
          i = close + 2;
          if (s.depth === 0) this.state = { kind: 'normal' };
        }
        continue;
      }
      if (s.kind === 'copy') return;
      i = this.normal(line, i);
    }
  }

  /** One token in normal state; returns the next index. */
  private normal(line: string, i: number): number {
    SPECIAL.lastIndex = i;
    const found = SPECIAL.exec(line);
    const at = found ? found.index : line.length;
    if (at > i) {
      // Plain text up to the next character that can change state, taken in one piece.
      this.append(line.slice(i, at));
      return at;
    }
    const c = line[i]!;
    const next = line[i + 1];
    if (c === '-' && next === '-') return line.length;
    if (c === '/' && next === '*') {
      this.state = { kind: 'block', depth: 1 };
      return i + 2;
    }
    if (c === "'") {
      const e = i > 0 && /[eE]/.test(line[i - 1]!) && !/[A-Za-z0-9_$]/.test(line[i - 2] ?? '');
      this.state = { kind: 'quote', close: "'", escapes: e };
      return i + 1;
    }
    if (c === '"') {
      this.state = { kind: 'quote', close: '"', escapes: false };
      return i + 1;
    }
    if (c === '$' && !/[A-Za-z0-9_]/.test(line[i - 1] ?? '')) {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(line.slice(i, i + 70));
      if (m) {
        this.state = { kind: 'dollar', tag: m[0] };
        return i + m[0].length;
      }
    }
    if (c === '\\') {
      const word = /^\\([A-Za-z]+|.)/.exec(line.slice(i))?.[1] ?? '';
      if (!(ALLOWED_META.has(word) && this.head.trim() === '')) {
        this.problem(
          word === 'c' || word === 'connect'
            ? `dump switches database: \\${word}`
            : `dump runs a psql meta-command: \\${word}`,
        );
      }
      // The rest of the line is the command's argument.
      return line.length;
    }
    if (c === ';') {
      this.endStatement();
      return i + 1;
    }
    this.append(c);
    return i + 1;
  }

  private endStatement(): void {
    const m = DATABASE_DDL.exec(this.head);
    if (m)
      this.problem(
        `dump ${m[1]!.toLowerCase() === 'create' ? 'creates' : 'drops'} a database: ${m[0].trim()}`,
      );
    const copy = COPY_STDIN.test(this.head) || COPY_STDIN.test(`COPY ${this.tail}`);
    const isCopy = /^\s*COPY\b/i.test(this.head) && copy;
    this.head = '';
    this.tail = '';
    // psql reads COPY data from the lines after the statement, up to `\.`.
    if (isCopy) this.state = { kind: 'copy' };
  }
}

function isEscaped(line: string, at: number): boolean {
  let n = 0;
  for (let k = at - 1; k >= 0 && line[k] === '\\'; k--) n++;
  return n % 2 === 1;
}
