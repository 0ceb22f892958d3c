import type { Stage } from '../../model/runbook.ts';
import { LoadRefusedError } from './hosts.ts';
import { type LoadProfile, loadProfileFile } from './profile.ts';

export interface StageProfile {
  /** The profile file as the runbook names it. */
  file: string;
  profile: LoadProfile;
  /** The runbook's stages that load it. */
  stages: string[];
}

/** Lines of several messages, each line kept at its last occurrence (one shared "Fix …" line at the end). */
function mergeMessages(messages: readonly string[]): string {
  const lines = messages.flatMap((m) => m.split('\n'));
  return lines.filter((line, i) => lines.lastIndexOf(line) === i).join('\n');
}

/**
 * Loads and checks the load profile of each named stage, as a gate of that stage would before any
 * request: the file must load and pass its schema (ROLLGATE_LOAD_PROFILE_INVALID), and list the
 * stage among its `stages` (ROLLGATE_LOAD_STAGE_REFUSED). Each file is read once however many
 * stages share it; every problem is reported at once, invalid profiles first. Hosts are not
 * judged here: they depend on the URLs a gate is given.
 */
export async function checkStageProfiles(
  stages: Readonly<Record<string, Stage>>,
  names: readonly string[],
  root: string,
): Promise<StageProfile[]> {
  const byFile = new Map<string, string[]>();
  for (const name of names) {
    const file = stages[name]?.load?.profile;
    if (file) byFile.set(file, [...(byFile.get(file) ?? []), name]);
  }
  const loaded: StageProfile[] = [];
  const invalid: string[] = [];
  for (const [file, users] of byFile) {
    try {
      loaded.push({ file, profile: await loadProfileFile(file, root), stages: users });
    } catch (error) {
      if (!(error instanceof LoadRefusedError)) throw error;
      invalid.push(error.message);
    }
  }
  if (invalid.length) throw new LoadRefusedError('ROLLGATE_LOAD_PROFILE_INVALID', mergeMessages(invalid));
  const refused = loaded.flatMap(({ file, profile, stages: users }) =>
    users
      .filter((stage) => !profile.stages.includes(stage))
      .map(
        (stage) =>
          `${file}: stages: stage "${stage}" loads profile "${profile.name}", which may run only in ${profile.stages.join(', ')}; add "${stage}" to its stages or give the stage another profile`,
      ),
  );
  if (refused.length)
    throw new LoadRefusedError(
      'ROLLGATE_LOAD_STAGE_REFUSED',
      `${refused.join('\n')}\nFix the field(s) above; nothing was run.`,
    );
  return loaded;
}
