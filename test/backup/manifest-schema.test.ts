import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backupManifestJsonSchemaText } from '../../src/checks/backup/manifest-schema.ts';
import { ROOT } from '../e2e/helpers.ts';

const committed = join(ROOT, 'schemas/backup-manifest.schema.json');

describe('the backup manifest JSON Schema shipped in the package', () => {
  it('is exactly what the zod schema generates (run npm run schema:backup-manifest after changing it)', () => {
    // Compared as data: the formatter may lay the committed file out differently.
    expect(JSON.parse(readFileSync(committed, 'utf8'))).toEqual(JSON.parse(backupManifestJsonSchemaText()));
  });

  it('is exported as rollgate/backup-manifest.schema.json and shipped in files', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.exports['./backup-manifest.schema.json']).toBe('./schemas/backup-manifest.schema.json');
    expect(pkg.files).toContain('schemas');
  });

  it('describes directory backups: the files engine, its format and the file list', () => {
    const schema = JSON.parse(readFileSync(committed, 'utf8'));
    expect(schema.properties.engine.enum).toContain('files');
    expect(schema.properties.format.enum).toContain('files-tar-gz');
    const entry = schema.properties.files.items;
    expect(entry.required).toEqual(expect.arrayContaining(['path', 'type', 'sizeBytes', 'mode']));
    expect(entry.properties.type.enum).toEqual(['file', 'directory', 'symlink']);
  });
});
