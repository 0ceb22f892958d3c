#!/usr/bin/env node
// Counts what a deployment document asks a runbook to record: checkbox lines, metric rows (rows
// of a table whose header names a metric, `- **Name:** …` lines under a metrics heading) and
// thresholds (lines with a comparison under an alert or rollback-criteria heading, or an arrow to a
// severity). Used when a runbook is written from a document; prints JSON keyed by file name.
// Usage: node scripts/count-source-lines.mjs <document>…
import { readFileSync } from 'node:fs';
import path from 'node:path';

export function countSourceLines(text) {
  let checkboxLines = 0;
  let metricRows = 0;
  let thresholds = 0;
  let heading = '';
  let tableIsMetric = false;
  let inFence = false;
  for (const line of text.split('\n')) {
    if (/^\s*```/.test(line)) inFence = !inFence;
    if (inFence) continue;
    const h = /^#{1,6}\s+(.*)/.exec(line);
    if (h) {
      heading = h[1];
      continue;
    }
    if (/^\s*(?:[-*]|\d+\.)\s*\[[ xX]\]/.test(line)) checkboxLines++;
    if (/^\s*\|/.test(line)) {
      if (/^\s*\|[\s|:-]+\|\s*$/.test(line)) continue;
      if (/\bmetric\b/i.test(line) && /\btarget\b/i.test(line)) tableIsMetric = true;
      else if (tableIsMetric) metricRows++;
      continue;
    }
    tableIsMetric = false;
    if (/metrics/i.test(heading) && /^\s*[-*]\s+\*\*[^*]+:\*\*/.test(line)) metricRows++;
    else if (/(→|->)\s*(WARN|CRITICAL)/.test(line)) thresholds++;
    else if (/(alert|rollback|criteria)/i.test(heading) && /^\s*[-*]\s+.*[<>]\s*\d/.test(line)) thresholds++;
  }
  return { checkboxLines, metricRows, thresholds };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = {};
  for (const f of process.argv.slice(2)) out[path.basename(f)] = countSourceLines(readFileSync(f, 'utf8'));
  console.log(JSON.stringify(out, null, 2));
}
