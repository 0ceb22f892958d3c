import { ObservationError } from '../authoring/errors.ts';
import type { BuiltinFn } from './run.ts';

/** Being written (issue 13): errored until then, so it can never pass. */
export const checkTls: BuiltinFn = async () => {
  throw new ObservationError('the tls built-in is not written yet', 'ROLLGATE_CONFIG');
};
