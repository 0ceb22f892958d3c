import { type HttpResult, jsonBody, signedInClient } from 'rollgate/checks';
import { CheckFailure, ObservationError, type TargetContext } from 'rollgate/vitest';

/**
 * The stand-in's estimates (Paintbox's estimate calculator, played by the demo) as the suites of
 * this runbook use them: signed in with the run's session, forms posted with the session's CSRF
 * token, the list with its totals read from the JSON API. Every call goes to the stage's target.
 */

/** One line of an estimate as the form takes it: a description, a whole quantity, a price in dollars. */
export interface Line {
  description: string;
  quantity: number;
  /** Whole cents, written into the form as dollars (`1250` → `12.50`). */
  unitPriceCents: number;
}

/** What the estimates API answers per estimate. */
interface Listed {
  id: number;
  title: string;
  itemCount: number;
  totalCents: number;
  total: string;
}

const dollars = (cents: number) => `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

/** The form fields of an estimate; `raw` rows are sent as they are (invalid input on purpose). */
export function estimateForm(
  csrf: string,
  title: string,
  rows: readonly (Line | { description: string; quantity: string; unitPrice: string })[],
): string {
  const form = new URLSearchParams({ _csrf: csrf, title });
  for (const row of rows) {
    form.append('item_description', row.description);
    if ('unitPriceCents' in row) {
      form.append('item_quantity', String(row.quantity));
      form.append('item_unit_price', dollars(row.unitPriceCents));
    } else {
      form.append('item_quantity', row.quantity);
      form.append('item_unit_price', row.unitPrice);
    }
  }
  return form.toString();
}

export function estimatesClient(context: TargetContext) {
  const { request } = signedInClient(context);
  const url = (path: string) => context.baseURL + path;

  async function csrf(): Promise<string> {
    const page = await request(url('/estimates/new'));
    if (page.status !== 200)
      throw new ObservationError(
        `GET /estimates/new answered ${page.status} signed in; expected the form (200)`,
      );
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
    if (!token) throw new ObservationError('the new-estimate form carries no _csrf field');
    return token;
  }

  function post(path: string, body: string): Promise<HttpResult> {
    return request(url(path), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
  }

  async function list(): Promise<{ result: HttpResult; estimates: Listed[] }> {
    const result = await request(url('/api/estimates'));
    if (result.status !== 200)
      throw new CheckFailure(`GET /api/estimates answered ${result.status} signed in; expected 200`);
    const body = jsonBody(result) as { estimates?: Listed[] };
    if (!Array.isArray(body.estimates))
      throw new CheckFailure('GET /api/estimates: no estimates list in the answer');
    return { result, estimates: body.estimates };
  }

  return {
    csrf,
    /** Posts the form; the answer is returned as it is (303 to the list when stored, 400 when refused). */
    submit: (token: string, title: string, rows: Parameters<typeof estimateForm>[2]) =>
      post('/estimates', estimateForm(token, title, rows)),
    list,
    /** The estimates of this title, as the API lists them now. */
    async find(title: string): Promise<Listed[]> {
      return (await list()).estimates.filter((e) => e.title === title);
    },
    /** Deletes every estimate of this title (a finally: what a check creates, it removes). */
    async removeAll(token: string, title: string): Promise<void> {
      for (const e of (await list()).estimates.filter((x) => x.title === title)) {
        const res = await post(
          '/estimates/delete',
          new URLSearchParams({ _csrf: token, id: String(e.id) }).toString(),
        );
        if (res.status >= 400) throw new ObservationError(`could not delete estimate ${e.id}: ${res.status}`);
      }
    },
  };
}

/** An estimate title no one else uses: the run, the check and a counter. */
export function uniqueTitle(context: TargetContext, what: string): string {
  return `rollgate ${what} ${context.runId} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}
