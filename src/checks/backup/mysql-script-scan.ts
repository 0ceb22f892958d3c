/**
 * Reads a mariadb-dump file the way the `mariadb` client would and reports what a restore into a
 * scratch schema must refuse: USE and CREATE/DROP DATABASE (the dump must land where we put it),
 * client commands (`\u` switches database, `\!` runs a shell, `\.` reads another file…) other than
 * the dump's own sandbox marker `\-`, and the long-form `connect`/`use`/`source`/`system` commands.
 * Quotes (with backslash escapes), comments and DELIMITER changes are tracked, so the content of
 * a row is never taken for a command.
 */

export const MYSQL_TRAILER = '-- Dump completed';

type State = { kind: 'normal' } | { kind: 'quote'; close: string } | { kind: 'block' };

const DATABASE_SWITCH = /^\s*(USE\b|(CREATE|DROP)\s+(DATABASE|SCHEMA)\b)/i;
const CLIENT_COMMAND = /^\s*(connect|use|source|system|tee|pager|edit|charset)(\s|;|$)/i;
const DELIMITER = /^\s*delimiter\s+(\S+)/i;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** `DEFINER=`root`@`localhost`` (also quoted with '…' or as CURRENT_USER), as mariadb-dump writes it. */
const DEFINER_CLAUSE = /\bDEFINER\s*=\s*(`(?:[^`]|``)*`@`(?:[^`]|``)*`|'[^']*'@'[^']*'|[\w.%-]+@[\w.%-]+)/i;

export class MysqlScriptScanner {
  readonly problems: string[] = [];
  /** Lines that set a DEFINER for another account (the first 50): a restricted restore is refused them. */
  readonly definers: { line: number; definer: string }[] = [];
  lines = 0;
  private lastLine = '';
  private state: State = { kind: 'normal' };
  private head = '';
  private delimiter = ';';
  private special = /['"`\\#/*;-]/g;
  private executableComment = false;

  /** True when the last non-blank line is mariadb-dump's `-- Dump completed…`. */
  get trailer(): boolean {
    return this.lastLine.startsWith(MYSQL_TRAILER);
  }

  /** The trailer itself (`-- Dump completed on 2026-11-30  5:50:15`): when the dump finished. */
  get trailerLine(): string | undefined {
    return this.trailer ? this.lastLine : undefined;
  }

  push(line: string): void {
    this.lines++;
    const t = line.trim();
    if (t !== '') this.lastLine = t;
    if (this.state.kind !== 'quote' && this.definers.length < 50) {
      const d = DEFINER_CLAUSE.exec(line);
      if (d) this.definers.push({ line: this.lines, definer: d[1]! });
    }
    if (this.state.kind === 'normal' && this.head.trim() === '') {
      const d = DELIMITER.exec(line);
      if (d) {
        this.delimiter = d[1]!;
        this.special = new RegExp(`['"\`\\\\#/*-]|${escapeRegExp(this.delimiter[0]!)}`, 'g');
        return;
      }
      const cmd = CLIENT_COMMAND.exec(line);
      if (cmd) {
        const name = cmd[1]!.toLowerCase();
        this.problem(
          name === 'use' || name === 'connect'
            ? `dump switches database: ${line.trim().slice(0, 60)}`
            : `dump runs a client command: ${name}`,
        );
      }
    }
    this.scan(line);
    if (this.state.kind === 'normal' && this.head.length < 200) this.head += ' ';
  }

  private problemLine = 0;

  /** At most one problem per line (a `USE x;` line is both a client command and a statement). */
  private problem(text: string): void {
    if (this.problemLine === this.lines || this.problems.length >= 20) return;
    this.problemLine = this.lines;
    this.problems.push(`${text} at line ${this.lines}`);
  }

  private scan(line: string): void {
    let i = 0;
    while (i < line.length) {
      const s = this.state;
      if (s.kind === 'quote') {
        let j = line.indexOf(s.close, i);
        while (j >= 0 && s.close !== '`' && isEscaped(line, j)) j = line.indexOf(s.close, j + 1);
        if (j < 0) return;
        // A doubled quote is a quote inside the string.
        if (line[j + 1] === s.close) {
          i = j + 2;
          continue;
        }
        this.state = { kind: 'normal' };
        i = j + 1;
        continue;
      }
      if (s.kind === 'block') {
        const j = line.indexOf('*/', i);
        if (j < 0) return;
        this.state = { kind: 'normal' };
        i = j + 2;
        continue;
      }
      i = this.normal(line, i);
    }
  }

  private normal(line: string, i: number): number {
    this.special.lastIndex = i;
    const found = this.special.exec(line);
    const at = found ? found.index : line.length;
    if (at > i) {
      if (this.head.length < 200) this.head += line.slice(i, at);
      return at;
    }
    const c = line[i]!;
    const next = line[i + 1];
    if (line.startsWith(this.delimiter, i)) {
      this.endStatement();
      return i + this.delimiter.length;
    }
    if (c === '#' || (c === '-' && next === '-' && /^[\s]?$/.test(line[i + 2] ?? ''))) return line.length;
    if (c === '/' && next === '*') {
      // `/*!40101 … */` and `/*M!… */` are executed: their content is read as code.
      const exec = /^\/\*M?!\d*/.exec(line.slice(i, i + 12));
      if (exec) {
        this.executableComment = true;
        return i + exec[0].length;
      }
      this.state = { kind: 'block' };
      return i + 2;
    }
    if (c === '*' && next === '/' && this.executableComment) {
      this.executableComment = false;
      return i + 2;
    }
    if (c === "'" || c === '"' || c === '`') {
      this.state = { kind: 'quote', close: c };
      return i + 1;
    }
    if (c === '\\') {
      const word = next ?? '';
      if (word !== '-') {
        this.problem(
          word === 'u' || word === 'r'
            ? `dump switches database: \\${word}`
            : `dump runs a client command: \\${word}`,
        );
      }
      return line.length;
    }
    if (this.head.length < 200) this.head += c;
    return i + 1;
  }

  private endStatement(): void {
    const m = DATABASE_SWITCH.exec(this.head);
    if (m) {
      this.problem(
        /^use/i.test(m[1]!)
          ? `dump switches database: ${this.head.trim().slice(0, 60)}`
          : `dump ${m[2]!.toLowerCase() === 'create' ? 'creates' : 'drops'} a database: ${this.head.trim().slice(0, 60)}`,
      );
    }
    this.head = '';
  }
}

function isEscaped(line: string, at: number): boolean {
  let n = 0;
  for (let k = at - 1; k >= 0 && line[k] === '\\'; k--) n++;
  return n % 2 === 1;
}
