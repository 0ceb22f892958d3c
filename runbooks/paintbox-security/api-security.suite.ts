import { check, ObservationError } from 'rollgate/vitest';
import { estimatesClient, uniqueTitle } from './estimates.ts';

/**
 * Input validation on the API (the plan's phase 1.3): malformed estimates are refused with 400
 * and nothing of them is stored. A valid estimate posted the same way is the control: if it is
 * not stored, the refusals prove nothing and the check is errored.
 */
const line = { description: 'Primer', quantity: '2', unitPrice: '12.50' };

/** Each malformed submission: what is wrong with it, and the rows sent. */
const MALFORMED: { case: string; title?: string; rows: (typeof line)[] }[] = [
  { case: 'empty title', title: '', rows: [line] },
  { case: 'title over 120 characters', title: 'x'.repeat(121), rows: [line] },
  { case: 'no line item', rows: [] },
  { case: 'quantity not a number', rows: [{ ...line, quantity: 'two' }] },
  { case: 'quantity 0', rows: [{ ...line, quantity: '0' }] },
  { case: 'negative unit price', rows: [{ ...line, unitPrice: '-12.50' }] },
  { case: 'unit price with three decimals', rows: [{ ...line, unitPrice: '12.505' }] },
  { case: 'description over 200 characters', rows: [{ ...line, description: 'd'.repeat(201) }] },
  { case: '51 line items', rows: Array.from({ length: 51 }, () => line) },
];

check(
  'malformed estimates are refused with 400 and none is stored',
  async ({ context, require, attach }) => {
    const api = estimatesClient(context);
    const token = await api.csrf();
    const title = uniqueTitle(context, 'input-validation');
    const log: string[] = [];
    try {
      const control = await api.submit(token, title, [line]);
      log.push(`valid control\t${control.status}`);
      if (control.status >= 400 || (await api.find(title)).length !== 1)
        throw new ObservationError(
          `a valid estimate posted the same way answered ${control.status} and was not stored: the refusals below would prove nothing`,
        );
      let refused = 0;
      for (const c of MALFORMED) {
        const res = await api.submit(token, c.title ?? title, c.rows);
        log.push(`${c.case}\t${res.status}`);
        if (res.status === 400) refused += 1;
      }
      attach('submissions', 'text/plain', { body: `case\tstatus\n${log.join('\n')}` });
      require({
        name: 'malformed-refused-400',
        operator: '==',
        expected: MALFORMED.length,
      }, refused, MALFORMED.length);
      // The control is the only estimate of this title; a refused one stored anyway would be a second.
      require({ name: 'malformed-stored', operator: '==', expected: 0 }, (await api.find(title)).length - 1);
    } finally {
      await api.removeAll(token, title);
    }
  },
  { id: 'api/input-validation', mutates: true },
);
