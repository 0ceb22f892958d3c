import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDirs, writeTree } from './helpers.ts';
import { locateSecret, unzipEntries } from './secret-search.ts';

const dirs = tempDirs();
afterAll(() => dirs.cleanup());

const SECRET = 'Planted-Pw-81kq';

/** A minimal zip with deflated entries, as Playwright writes traces. */
function zipOf(entries: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const data = Buffer.from(text);
    const packed = deflateRawSync(data);
    const n = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(n.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(n.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, n, packed);
    centrals.push(central, n);
    offset += 30 + n.length + packed.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

describe('locateSecret: the leak search the acceptance test relies on', () => {
  it('finds a secret however it was written: raw, base64, base64url, gzip, UTF-16, URL-encoded, in a trace zip', () => {
    const b64 = Buffer.from(`{"password":"${SECRET}"}`).toString('base64');
    const zip = zipOf({ 'trace.trace': `{"type":"log","text":"${SECRET}"}`, 'resources/x.json': '{}' });
    expect(unzipEntries(zip).map((e) => e.name)).toEqual(['trace.trace', 'resources/x.json']);
    const root = writeTree(dirs.make(), {
      'clean.txt': 'nothing here',
      'raw.log': `error: ${SECRET}`,
      'att.json': JSON.stringify({ body: b64 }),
      'url.json': JSON.stringify({ token: `x-${Buffer.from(SECRET).toString('base64url')}` }),
      'enc.html': `<a href="?q=${encodeURIComponent(`${SECRET}/`).replace(/-/g, '%2D')}">`,
    });
    const extra: Record<string, Buffer> = {
      'trace.zip': zip,
      'nested.json': Buffer.from(JSON.stringify({ trace: zip.toString('base64') })),
      'log.gz': gzipSync(`line ${SECRET}`),
      'utf16.txt': Buffer.from(SECRET, 'utf16le'),
    };
    writeTree(root, extra);
    const hits = locateSecret(root, SECRET).map((h) => h.split(/[ !]/)[0]);
    expect([...new Set(hits)].sort()).toEqual([
      'att.json',
      'enc.html',
      'log.gz',
      'nested.json',
      'raw.log',
      'trace.zip',
      'url.json',
      'utf16.txt',
    ]);
  });

  it('finds a secret that JSON, HTML and form encoding changed, once or twice', () => {
    const secret = 'p@ss w/"rd+&1';
    const root = writeTree(dirs.make(), {
      'json.trace': `{"title":"Fill ${JSON.stringify(secret).slice(1, -1)}"}`,
      'json-in-json.trace': JSON.stringify({ message: `Received: ${JSON.stringify(secret)}` }),
      'page.html': `<input value="${secret.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}">`,
      'numeric.html': `<b>${secret.replace(/&/g, '&#38;').replace(/"/g, '&#x22;')}</b>`,
      'post.dat': new URLSearchParams({ username: 'demo', password: secret }).toString(),
      'safe.json': `{"v":"${JSON.stringify(secret).slice(1, -1).replace(/&/g, '\\u0026')}"}`,
      'clean.txt': 'p@ss w/ rd+ 1 and p%40ss',
    });
    const hits = locateSecret(root, secret);
    const how = (file: string) =>
      hits.filter((h) => h.startsWith(`${file} `)).map((h) => h.slice(file.length + 1));
    expect(how('json.trace')).toContain('(JSON-unescaped)');
    expect(how('json-in-json.trace')).toContain('(JSON-unescaped, then JSON-unescaped)');
    expect(how('page.html')).toContain('(HTML-unescaped)');
    expect(how('numeric.html')).toContain('(HTML-unescaped)');
    expect(how('post.dat')).toEqual(['(form-decoded)']);
    expect(how('safe.json')).toContain('(JSON-unescaped)');
    expect(hits.filter((h) => h.startsWith('clean.txt'))).toEqual([]);
  });

  it('finds nothing in a folder without it', () => {
    const root = writeTree(dirs.make(), { 'a.json': '{"x":"aGVsbG8gd29ybGQgaGVsbG8="}', 'b.zip': 'PK' });
    expect(locateSecret(root, SECRET)).toEqual([]);
  });
});
