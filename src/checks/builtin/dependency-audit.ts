import { ObservationError } from '../authoring/errors.ts';
import type { BuiltinFn } from './run.ts';

/** Being written (issue 13): errored until then, so it can never pass. */
export const checkDependencyAudit: BuiltinFn = async () => {
  throw new ObservationError('the dependency-audit built-in is not written yet', 'ROLLGATE_CONFIG');
};
