/**
 * `npm run schema:backup-manifest`: writes schemas/backup-manifest.schema.json from the zod
 * schema. test/backup/manifest-schema.test.ts fails when the committed file differs.
 */
import { writeFileSync } from 'node:fs';
import { backupManifestJsonSchemaText } from '../src/checks/backup/manifest-schema.ts';

const out = new URL('../schemas/backup-manifest.schema.json', import.meta.url);
writeFileSync(out, backupManifestJsonSchemaText());
process.stdout.write(`written: schemas/backup-manifest.schema.json\n`);
