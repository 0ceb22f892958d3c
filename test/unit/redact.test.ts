import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { redactBytes } from '../../src/checks/redact/redact-bytes.ts';
import { redactRunDir, UNREDACTED_COPY_ENV } from '../../src/checks/redact/redact-files.ts';
import { createMasker } from '../../src/config/mask.ts';
import { writeAllure } from '../../src/reporters/allure.ts';
import { tempDirs, writeTree } from '../hygiene/helpers.ts';
import { locateIn, locateSecret, unzipEntries } from '../hygiene/secret-search.ts';
import { makeVerdict } from './helpers.ts';

const SECRET = 'p@ss w/"rd+&1';
const mask = createMasker([SECRET]);
const dirs = tempDirs('rollgate-redact-');
afterAll(() => dirs.cleanup());

/** A PNG header and some bytes: binary that holds no secret. */
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
  Buffer.alloc(64, 7),
]);

/** A trace as Playwright writes it: JSON lines, a form post body, a page, a screenshot, a nested zip. */
function traceZip(): Buffer {
  return Buffer.from(
    zipSync({
      'test.trace': Buffer.from(
        `${JSON.stringify({ type: 'before', title: `Fill ${JSON.stringify(SECRET)}`, params: { value: SECRET } })}\n`,
      ),
      'resources/a.dat': Buffer.from(new URLSearchParams({ username: 'demo', password: SECRET }).toString()),
      'resources/b.html': Buffer.from(
        `<input value="${SECRET.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}">`,
      ),
      'resources/c.jpeg': PNG,
      'inner.zip': zipSync({ 'note.txt': Buffer.from(`typed ${SECRET}`) }),
      'log.gz': gzipSync(`GET /login?next=${encodeURIComponent(SECRET)}`),
    }),
  );
}

describe('redactBytes (issue 9, item 1)', () => {
  it('rewrites a trace zip member by member: same members, secrets masked, binary members byte-identical', () => {
    const before = traceZip();
    expect(locateIn(before, SECRET, 'trace.zip').length).toBeGreaterThan(0);
    const r = redactBytes(before, mask);
    expect(r.changed).toBe(true);
    expect(r.removed).toBeUndefined();
    const members = unzipEntries(r.data);
    expect(members.map((m) => m.name)).toEqual(unzipEntries(before).map((m) => m.name));
    const text = (name: string) => members.find((m) => m.name === name)!.data.toString();
    expect(text('test.trace')).toContain('"title":"Fill \\"***\\""');
    expect(text('resources/a.dat')).toBe('username=demo&password=***');
    expect(text('resources/b.html')).toBe('<input value="***">');
    expect(members.find((m) => m.name === 'resources/c.jpeg')!.data.equals(PNG)).toBe(true);
    expect(unzipEntries(members.find((m) => m.name === 'inner.zip')!.data)[0]!.data.toString()).toBe(
      'typed ***',
    );
    expect(locateIn(r.data, SECRET, 'trace.zip')).toEqual([]);
  });

  it('decodes base64 blobs inside text, cleans them and re-encodes them so they still decode', () => {
    const zip = traceZip();
    const html = `<a href="data:application/zip;base64,${zip.toString('base64')}">trace</a>
      {"body":"${Buffer.from(`{"password":"${SECRET}"}`).toString('base64')}","url":"x-${Buffer.from(SECRET).toString('base64url')}"}`;
    expect(locateIn(Buffer.from(html), SECRET, 'page').length).toBeGreaterThan(0);
    const out = redactBytes(Buffer.from(html), mask).data.toString();
    expect(locateIn(Buffer.from(out), SECRET, 'page')).toEqual([]);
    const blob = /base64,([A-Za-z0-9+/=]+)/.exec(out)![1]!;
    const members = unzipEntries(Buffer.from(blob, 'base64'));
    expect(members.map((m) => m.name)).toContain('test.trace');
    expect(out).toContain(`"body":"${Buffer.from('{"password":"***"}').toString('base64')}"`);
  });

  it('does not keep binary that holds a secret, and says why; keeps binary that does not', () => {
    const utf16 = Buffer.concat([PNG, Buffer.from(SECRET, 'utf16le')]);
    expect(redactBytes(utf16, mask)).toMatchObject({
      changed: true,
      removed: 'it is binary and cannot be cleaned without corrupting it',
    });
    const kept = redactBytes(PNG, mask);
    expect(kept).toEqual({ data: PNG, changed: false });
    const inZip = redactBytes(
      Buffer.from(zipSync({ 'shot.png': utf16, 'ok.txt': Buffer.from('fine') })),
      mask,
    );
    expect(unzipEntries(inZip.data).map((m) => [m.name, m.data.toString()])).toEqual([
      [
        'shot.png.removed.txt',
        'rollgate removed shot.png: it is binary and cannot be cleaned without corrupting it. It held a declared secret (see "Secrets in reports" in README.md).\n',
      ],
      ['ok.txt', 'fine'],
    ]);
  });

  it('does not keep an archive it cannot read', () => {
    const broken = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(40, 1)]);
    expect(redactBytes(broken, mask).removed).toMatch(/^it could not be read as a zip \(/);
  });

  it('returns bytes without a secret unchanged, an untouched zip included', () => {
    const zip = Buffer.from(zipSync({ 'a.txt': Buffer.from('nothing here') }));
    expect(redactBytes(zip, mask)).toEqual({ data: zip, changed: false });
  });
});

describe('redactRunDir (issue 9, item 1)', () => {
  it('cleans every file of a run folder, replaces what cannot be cleaned by a note that Allure attaches', () => {
    const runDir = writeTree(dirs.make(), {
      'raw/playwright.json': JSON.stringify({ errors: [`Received: ${JSON.stringify(SECRET)}`] }),
      'playwright/t/error-context.md': `- textbox "Username": ${SECRET}`,
      'playwright/t/trace.zip': traceZip(),
      'playwright/t/test-failed-1.png': PNG,
      'playwright/t/dump.bin': Buffer.concat([PNG, Buffer.from(SECRET, 'utf16le')]),
    });
    const copy = path.join(dirs.make(), 'unredacted');
    const summary = redactRunDir(runDir, mask, { [UNREDACTED_COPY_ENV]: copy });
    expect(summary.removed).toEqual([path.join('playwright', 't', 'dump.bin')]);
    expect(summary.cleaned.sort()).toEqual(
      ['playwright/t/error-context.md', 'playwright/t/trace.zip', 'raw/playwright.json'].map((p) =>
        path.join(...p.split('/')),
      ),
    );
    expect(locateSecret(runDir, SECRET)).toEqual([]);
    expect(locateSecret(copy, SECRET).length).toBeGreaterThan(0);
    expect(readFileSync(path.join(runDir, 'playwright/t/dump.bin.removed.txt'), 'utf8')).toBe(
      `rollgate removed ${path.join('playwright', 't', 'dump.bin')}: it is binary and cannot be cleaned without corrupting it. It held a declared secret (see "Secrets in reports" in README.md).\n`,
    );

    const v = makeVerdict();
    v.checks[0]!.evidence = [
      {
        name: 'dump',
        contentType: 'application/octet-stream',
        path: path.join(runDir, 'playwright/t/dump.bin'),
      },
      { name: 'trace', contentType: 'application/zip', path: path.join(runDir, 'playwright/t/trace.zip') },
      { name: 'typed', contentType: 'text/plain', body: `typed ${encodeURIComponent(SECRET)}` },
    ];
    const results = writeAllure(v, runDir, mask);
    const result = readdirSync(results).find((f) => f.endsWith('-result.json'))!;
    const attachments = JSON.parse(readFileSync(path.join(results, result), 'utf8')).attachments as {
      name: string;
      source: string;
    }[];
    expect(attachments.map((a) => a.name)).toEqual(['dump (removed)', 'trace', 'typed']);
    expect(readFileSync(path.join(results, attachments[0]!.source), 'utf8')).toMatch(
      /^rollgate removed .*dump\.bin: it is binary/,
    );
    expect(locateSecret(results, SECRET)).toEqual([]);
  });

  it('refuses to copy the unredacted folder under reports/ or into the run folder, and cleans it all the same', () => {
    const reports = dirs.make();
    const runDir = writeTree(path.join(reports, 'runs', 'r1'), { 'a.txt': SECRET });
    for (const [copy, why] of [
      [path.join(reports, 'unredacted'), `it is inside the reports folder ${reports}`],
      [path.join(runDir, 'unredacted'), `it is inside the reports folder ${reports}`],
      ['relative/dir', 'not an absolute path'],
    ] as const) {
      expect(() => redactRunDir(runDir, mask, { [UNREDACTED_COPY_ENV]: copy })).toThrow(
        `${UNREDACTED_COPY_ENV}=${copy} refused: ${why}; it is a test seam for a folder outside reports/`,
      );
      expect(existsSync(path.resolve(copy))).toBe(false);
    }
    expect(readFileSync(path.join(runDir, 'a.txt'), 'utf8')).toBe('***');
    // A run folder outside any reports/runs/: only the run folder itself is refused.
    const lone = writeTree(dirs.make(), { 'a.txt': SECRET });
    expect(() => redactRunDir(lone, mask, { [UNREDACTED_COPY_ENV]: path.join(lone, 'x') })).toThrow(
      `refused: it is inside the run folder ${lone}`,
    );
  });

  it('copies aside once: a second redaction of the run leaves the unredacted copy as it was', () => {
    const runDir = writeTree(dirs.make(), { 'a.txt': SECRET });
    const copy = path.join(dirs.make(), 'unredacted');
    redactRunDir(runDir, mask, { [UNREDACTED_COPY_ENV]: copy });
    redactRunDir(runDir, mask, { [UNREDACTED_COPY_ENV]: copy });
    expect(readFileSync(path.join(copy, 'a.txt'), 'utf8')).toBe(SECRET);
    expect(readFileSync(path.join(runDir, 'a.txt'), 'utf8')).toBe('***');
  });

  it('copies nothing aside without the test seam, and a missing run folder is nothing to clean', () => {
    const runDir = writeTree(dirs.make(), { 'a.txt': SECRET });
    expect(redactRunDir(runDir, mask, {})).toEqual({ cleaned: ['a.txt'], removed: [] });
    expect(readFileSync(path.join(runDir, 'a.txt'), 'utf8')).toBe('***');
    expect(redactRunDir(path.join(runDir, 'absent'), mask, {})).toEqual({ cleaned: [], removed: [] });
    expect(existsSync(path.join(runDir, 'absent'))).toBe(false);
  });
});
