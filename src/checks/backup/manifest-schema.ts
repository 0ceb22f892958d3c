import { z } from 'zod';
import { BackupManifest } from './manifest.ts';

/**
 * The manifest's JSON Schema, generated from its zod schema (shipped as
 * `rollgate/backup-manifest.schema.json`, so other tools can write and validate one). The
 * cross-field rules (format belongs to engine; version 2 needs inventory and digests, or a files
 * backup its file list) are zod refinements the JSON Schema cannot express: rollgate checks them.
 */
export function backupManifestJsonSchema(): Record<string, unknown> {
  return {
    title: 'rollgate backup manifest',
    description:
      'Written beside each backup as <backup>.manifest.json: what was taken, its checksum, row counts or file list. See docs/backups.md.',
    ...z.toJSONSchema(BackupManifest, { target: 'draft-2020-12', io: 'input' }),
  };
}

/** The file's text: stable key order, two-space indent, trailing newline. */
export function backupManifestJsonSchemaText(): string {
  return `${JSON.stringify(backupManifestJsonSchema(), null, 2)}\n`;
}
