/**
 * The block structure of a markdown document, read line by line: what `rollgate import` needs of
 * a deployment plan and no more. Deployment plans are line-oriented (headings, `- [ ]` lists,
 * pipe tables, fenced shell), so a line reader is simpler than a full CommonMark parser and
 * keeps each block's line number for messages.
 *
 * Read: ATX (`## Title`) and setext (`Title` over `===`/`---`) headings; list items (`-`, `*`,
 * `+`, `1.`, `1)`) with their indentation, task boxes `[ ]`/`[x]` and continuation lines; pipe
 * tables (a header row over a `---` delimiter row); fenced code (``` or ~~~, closed by the same
 * fence or the end of the file); HTML comments; paragraphs. A blockquote's `>` is removed and its
 * content read as any other. Not read as blocks: indented code (four spaces are a list item's
 * continuation here), HTML blocks (paragraphs), link reference definitions (paragraphs).
 */

export interface HeadingBlock {
  type: 'heading';
  level: number;
  /** The heading's inline text, markdown not yet removed. */
  text: string;
  line: number;
}

export interface ListItemBlock {
  type: 'list-item';
  /** Columns before the marker: nesting. */
  indent: number;
  ordered: boolean;
  /** A task list box: `[ ]` open, `[x]` done; absent for a plain item. */
  task?: 'open' | 'done';
  /** The item's inline text, continuation lines joined with a space. */
  text: string;
  line: number;
}

export interface TableBlock {
  type: 'table';
  /** Header cells, inline markdown kept; `\|` decoded. */
  header: string[];
  rows: { cells: string[]; line: number }[];
  line: number;
}

export interface CodeBlock {
  type: 'code';
  /** The info string's first word, lower-case ('' when none). */
  lang: string;
  text: string;
  line: number;
}

export interface CommentBlock {
  type: 'comment';
  text: string;
  line: number;
}

export interface ParagraphBlock {
  type: 'paragraph';
  text: string;
  line: number;
}

export type Block = HeadingBlock | ListItemBlock | TableBlock | CodeBlock | CommentBlock | ParagraphBlock;

const FENCE = /^\s*(`{3,}|~{3,})\s*([^\s`]*)/;
const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
const THEMATIC = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const LIST = /^(\s*)([-*+]|\d{1,9}[.)])(?:[ \t]+(.*))?$/;
const TASK = /^\[([ xX])\](?:[ \t]+(.*))?$/;
const DELIMITER = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

/** Columns of leading whitespace, a tab counting to the next multiple of four. */
function indentOf(s: string): number {
  let col = 0;
  for (const c of s) {
    if (c === ' ') col++;
    else if (c === '\t') col += 4 - (col % 4);
    else break;
  }
  return col;
}

/**
 * A table row's cells: split at `|` not escaped by a backslash, outer pipes dropped, each cell
 * trimmed; in a cell `\|` is a pipe and `\\` a backslash, any other backslash is kept as written.
 */
export function splitRow(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  const s = line.trim();
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && (s[i + 1] === '|' || s[i + 1] === '\\')) {
      cell += s[i + 1];
      i++;
    } else if (c === '|') {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  if (s.startsWith('|')) cells.shift();
  if (s.endsWith('|') && !s.endsWith('\\|')) cells.pop();
  return cells.map((c) => c.trim());
}

const isBlank = (s: string | undefined) => s === undefined || s.trim() === '';

/** Does a line start a block of its own (and so end a paragraph or a list item's continuation)? */
function startsBlock(line: string, next: string | undefined): boolean {
  return (
    FENCE.test(line) ||
    ATX.test(line) ||
    THEMATIC.test(line) ||
    LIST.test(line) ||
    line.trimStart().startsWith('<!--') ||
    (line.includes('|') && next !== undefined && DELIMITER.test(next) && next.includes('-'))
  );
}

/** The blocks of a markdown text, in order, each with its 1-based line. */
export function parseBlocks(markdown: string): Block[] {
  // A blockquote's content is read as any other (an admonition's checklist is still a checklist).
  const lines = markdown
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.replace(/^ {0,3}(?:>[ \t]?)+/, ''));
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const lineNo = i + 1;
    if (isBlank(line)) {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1]!;
      const body: string[] = [];
      const indent = indentOf(line);
      i++;
      while (i < lines.length) {
        const l = lines[i]!;
        const close = /^\s*(`{3,}|~{3,})\s*$/.exec(l);
        if (close && close[1]![0] === marker[0] && close[1]!.length >= marker.length) break;
        // A fence inside a list item is indented with it: the item's indentation is not the code's.
        body.push(indentOf(l) >= indent ? l.slice(Math.min(indent, l.length - l.trimStart().length)) : l);
        i++;
      }
      i++; // the closing fence (or past the end)
      blocks.push({
        type: 'code',
        lang: (fence[2] ?? '').toLowerCase(),
        text: body.join('\n'),
        line: lineNo,
      });
      continue;
    }
    if (line.trimStart().startsWith('<!--')) {
      const body: string[] = [];
      while (i < lines.length) {
        body.push(lines[i]!);
        if (lines[i]!.includes('-->')) break;
        i++;
      }
      i++;
      const text = body
        .join('\n')
        .replace(/^\s*<!--/, '')
        .replace(/-->[\s\S]*$/, '')
        .trim();
      blocks.push({ type: 'comment', text, line: lineNo });
      continue;
    }
    const atx = ATX.exec(line);
    if (atx) {
      blocks.push({ type: 'heading', level: atx[1]!.length, text: (atx[2] ?? '').trim(), line: lineNo });
      i++;
      continue;
    }
    if (THEMATIC.test(line) || /^ {0,3}=+[ \t]*$/.test(line)) {
      i++;
      continue;
    }
    const next = lines[i + 1];
    if (line.includes('|') && next !== undefined && DELIMITER.test(next) && next.includes('-')) {
      const header = splitRow(line);
      const rows: TableBlock['rows'] = [];
      i += 2;
      while (i < lines.length && !isBlank(lines[i]) && lines[i]!.includes('|')) {
        rows.push({ cells: splitRow(lines[i]!), line: i + 1 });
        i++;
      }
      blocks.push({ type: 'table', header, rows, line: lineNo });
      continue;
    }
    const list = LIST.exec(line);
    if (list) {
      const indent = indentOf(list[1] ?? '');
      const ordered = /\d/.test(list[2]!);
      let text = list[3] ?? '';
      const task = TASK.exec(text);
      i++;
      // Continuation: non-blank lines that start no block of their own (indented or lazy).
      while (i < lines.length && !isBlank(lines[i]) && !startsBlock(lines[i]!, lines[i + 1])) {
        if (SETEXT.test(lines[i]!)) break;
        text += ` ${lines[i]!.trim()}`;
        i++;
      }
      const item: ListItemBlock = { type: 'list-item', indent, ordered, text: text.trim(), line: lineNo };
      if (task) {
        item.task = task[1] === ' ' ? 'open' : 'done';
        item.text = `${task[2] ?? ''}${text.slice((list[3] ?? '').length)}`.trim();
      }
      blocks.push(item);
      continue;
    }
    // A paragraph; a setext underline makes its text a heading.
    const para: string[] = [line.trim()];
    i++;
    let setext: number | undefined;
    while (i < lines.length && !isBlank(lines[i])) {
      const m = SETEXT.exec(lines[i]!);
      if (m) {
        setext = m[1]![0] === '=' ? 1 : 2;
        i++;
        break;
      }
      if (startsBlock(lines[i]!, lines[i + 1])) break;
      para.push(lines[i]!.trim());
      i++;
    }
    if (setext) blocks.push({ type: 'heading', level: setext, text: para.join(' '), line: lineNo });
    else blocks.push({ type: 'paragraph', text: para.join(' '), line: lineNo });
  }
  return blocks;
}
