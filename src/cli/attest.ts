import { RollgateError } from '../config/errors.ts';
import { resolveGate } from '../config/options.ts';
import { openStore } from '../engine/store/open-store.ts';
import type { Cli } from './args.ts';
import { load, stageArg } from './common.ts';

/** CI systems' own identity variables, used when --by is not given, so a pipeline signs as itself. */
const CI_IDENTITIES = [
  'ROLLGATE_SIGNER',
  'GITHUB_ACTOR',
  'GITLAB_USER_LOGIN',
  'BUILDKITE_BUILD_CREATOR',
  'BUILD_REQUESTEDFOR',
];

function signer(cli: Cli): string {
  const by = cli.values.by ?? CI_IDENTITIES.map((n) => process.env[n]).find(Boolean);
  if (!by?.trim())
    throw new RollgateError(
      'ROLLGATE_BAD_ARGUMENT',
      `say who signs with --by <name> (or set one of ${CI_IDENTITIES.join(', ')}).`,
    );
  return by.trim();
}

/** `2026-12-01` means the end of that day (UTC); a full ISO time is taken as is. */
export function parseExpiry(text: string | undefined, now: Date): Date {
  if (!text)
    throw new RollgateError(
      'ROLLGATE_BAD_ARGUMENT',
      'a waiver needs --expires <date>, such as --expires 2026-12-01.',
    );
  const d = /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T23:59:59.999Z`) : new Date(text);
  if (Number.isNaN(d.getTime()))
    throw new RollgateError('ROLLGATE_BAD_ARGUMENT', `--expires "${text}" is not a date such as 2026-12-01.`);
  if (d <= now)
    throw new RollgateError(
      'ROLLGATE_BAD_ARGUMENT',
      `--expires ${d.toISOString()} is not in the future (now ${now.toISOString()}).`,
    );
  return d;
}

async function context(cli: Cli, verb: string) {
  const stageName = stageArg(cli, verb);
  const loaded = await load(cli);
  const gate = resolveGate(loaded.runbook, stageName, {
    baseUrl: cli.values['base-url'],
    release: cli.values.release,
    now: cli.values.now,
  });
  return { loaded, gate, now: gate.clock.now() };
}

/** `rollgate sign <stage> "<title>" --by <name> [--note <text>]`: an attestation for this release. */
export async function signCommand(cli: Cli): Promise<number> {
  const { loaded, gate, now } = await context(cli, 'sign');
  const title = cli.positionals[1];
  const items = loaded.runbook.signoffs.filter((s) => s.stage === gate.stageName);
  if (!title || !items.some((i) => i.title === title)) {
    const known = items.map((i) => `"${i.title}"`).join(', ') || '(none declared for this stage)';
    throw new RollgateError(
      'ROLLGATE_SIGNOFF_UNKNOWN',
      `${loaded.file}: stage ${gate.stageName} has no sign-off ${title ? `"${title}"` : '(missing title)'}; declared: ${known}`,
    );
  }
  const store = await openStore(gate.reportsDir);
  try {
    const entry = {
      runbook: loaded.runbook.name,
      stage: gate.stageName,
      release: gate.release,
      title,
      by: signer(cli),
      at: now.toISOString(),
      note: cli.values.note,
    };
    await store.addSignoff(entry);
    console.log(
      `signed "${title}" for ${entry.runbook}/${entry.stage} release ${entry.release} by ${entry.by} at ${entry.at}`,
    );
  } finally {
    await store.close();
  }
  return 0;
}

/** `rollgate waive <stage> <check-id> --reason <text> --by <name> --expires <date>`. */
export async function waiveCommand(cli: Cli): Promise<number> {
  const { loaded, gate, now } = await context(cli, 'waive');
  const checkId = cli.positionals[1];
  if (!checkId)
    throw new RollgateError(
      'ROLLGATE_BAD_ARGUMENT',
      'usage: rollgate waive <stage> <check-id> --reason <text> --by <name> --expires <date>',
    );
  if (!cli.values.reason?.trim())
    throw new RollgateError(
      'ROLLGATE_BAD_ARGUMENT',
      'a waiver needs --reason <text>: why is this failure acceptable for this release?',
    );
  const expires = parseExpiry(cli.values.expires, now);
  const store = await openStore(gate.reportsDir);
  try {
    const w = {
      runbook: loaded.runbook.name,
      stage: gate.stageName,
      release: gate.release,
      checkId,
      by: signer(cli),
      reason: cli.values.reason.trim(),
      at: now.toISOString(),
      expires: expires.toISOString(),
    };
    await store.addWaiver(w);
    console.log(
      `waived ${checkId} for ${w.runbook}/${w.stage} release ${w.release} until ${w.expires} (by ${w.by})`,
    );
  } finally {
    await store.close();
  }
  return 0;
}
