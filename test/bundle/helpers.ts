import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import * as tar from 'tar';
import { createMasker } from '../../src/config/mask.ts';
import { fileStore } from '../../src/engine/store/file-store.ts';
import type { CheckResult } from '../../src/model/check-result.ts';
import type { Verdict } from '../../src/model/verdict.ts';
import { publish } from '../../src/reporters/publish.ts';
import { writeTree } from '../hygiene/helpers.ts';
import { makeCheck, makeVerdict } from '../unit/helpers.ts';

export const GIT_SHA = '0123456789abcdef0123456789abcdef01234567';

export interface PlantedRun {
  runId: string;
  runDir: string;
  verdict: Verdict;
}

/**
 * A finished run, made the way a gate makes one: files a golden path leaves (a screenshot, a
 * trace.zip, an error context) planted in the run folder, then publish() with a real file store,
 * which masks the folder with `secrets`, writes verdict.json, JUnit, Allure results and the
 * ledger line. No runner, no browser.
 */
export async function plantRun(
  reports: string,
  o: {
    runId: string;
    stage?: string;
    release?: string;
    verdict?: 'promote' | 'hold';
    checks?: CheckResult[];
    secrets?: string[];
    /** Text planted in the evidence and a check message (masked by publish when in `secrets`). */
    plant?: string;
  },
): Promise<PlantedRun> {
  const runDir = path.join(reports, 'runs', o.runId);
  const plant = o.plant ?? 'nothing secret';
  writeTree(runDir, {
    'evidence/screenshot.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]),
    'evidence/response.txt': `HTTP/1.1 200 OK\nauthorization: Bearer ${plant}\n`,
    'playwright/golden/trace.zip': Buffer.from(
      zipSync({ 'test.trace': Buffer.from(`${JSON.stringify({ title: `fill ${plant}` })}\n`) }),
    ),
    'raw/vitest.json': '{"runner":"output"}',
    // What an embedded demo app leaves in the run folder: not evidence.
    'demo.sqlite': Buffer.from('SQLite format 3\0'),
  });
  const hold = o.verdict === 'hold';
  const checks = o.checks ?? [
    makeCheck({ id: 'probes/version', message: `token ${plant}` }),
    makeCheck({ id: 'golden/checkout', kind: 'playwright', status: hold ? 'failed' : 'passed' }),
    makeCheck({ id: 'probes/flaky', status: 'flaky', retries: 1 }),
  ];
  const verdict = makeVerdict(checks, {
    runId: o.runId,
    stage: o.stage ?? 'canary',
    verdict: o.verdict ?? 'promote',
    reasons: hold ? ['golden/checkout failed: checkout answered 500'] : [],
    target: { baseURL: 'http://127.0.0.1:4000', version: o.release ?? '1.2.3', embedded: true },
    runbookGit: { sha: GIT_SHA, dirty: false },
  });
  const result = await publish({
    verdict,
    runDir,
    reportsDir: reports,
    mask: createMasker(o.secrets ?? []),
    store: fileStore(reports),
  });
  return { runId: o.runId, runDir, verdict: result.verdict };
}

/** Every file under `dir`, relative with `/`. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

/**
 * A copy of a bundle changed by `edit` (given its extracted top folder): extracted with tar,
 * edited, packed again as the original was.
 */
export async function repack(bundle: string, out: string, edit: (top: string) => void): Promise<string> {
  const dir = `${out}.d`;
  mkdirSync(dir, { recursive: true });
  await tar.x({ file: bundle, cwd: dir });
  const [top] = readdirSync(dir);
  edit(path.join(dir, top!));
  await tar.c({ file: out, gzip: true, cwd: dir, portable: true }, [top!]);
  return out;
}

/** The `sha256sum` line of `rel` in the extracted bundle `top`, recomputed from the file. */
export function recomputeChecksum(top: string, rel: string, sha256: string): void {
  const file = path.join(top, 'checksums.sha256');
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => (l.endsWith(`  ${rel}`) ? `${sha256}  ${rel}` : l));
  writeFileSync(file, lines.join('\n'));
}

/** A gzip'd tar written header by header, for entries `tar.c` would never write (links, `..`). */
export function rawTar(
  entries: {
    path: string;
    type?: 'File' | 'Directory' | 'SymbolicLink' | 'Link';
    body?: string;
    linkpath?: string;
  }[],
): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const body = Buffer.from(e.body ?? '');
    const header = new tar.Header({
      path: e.path,
      type: e.type ?? 'File',
      size: e.type && e.type !== 'File' ? 0 : body.length,
      mode: 0o644,
      mtime: new Date(0),
      linkpath: e.linkpath,
    });
    const block = Buffer.alloc(512);
    header.encode(block, 0);
    blocks.push(block);
    if (body.length && (e.type ?? 'File') === 'File') {
      blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
    }
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}
