import type { EstimateSummary } from '../db/store.ts';
import type { EstimateFormValues } from '../estimate-form.ts';
import { formatCents } from '../money.ts';
import { html } from './html.ts';
import { type LayoutView, layout } from './layout.ts';

export function estimatesPage(base: LayoutView, estimates: EstimateSummary[], csrf: string): string {
  const rows = estimates.map(
    (e) => html`<tr data-testid="estimate-row">
        <td data-testid="estimate-title">${e.title}</td>
        <td class="num">${e.itemCount}</td>
        <td class="num" data-testid="estimate-total">${formatCents(e.totalCents)}</td>
        <td><form method="post" action="/estimates/delete"><input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="id" value="${String(e.id)}"><button type="submit">Delete</button></form></td>
      </tr>`,
  );
  const table =
    estimates.length === 0
      ? html`<p class="empty" data-testid="no-estimates">No estimates yet.</p>`
      : html`<table>
          <thead><tr><th scope="col">Title</th><th scope="col" class="num">Items</th><th scope="col" class="num">Total</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>${rows}</tbody>
        </table>`;
  return layout(
    { ...base, title: 'Estimates' },
    html`<div class="page-head">
        <h1>Estimates</h1>
        <a class="button" href="/estimates/new">New estimate</a>
      </div>
      ${table}`,
  );
}

/** Enough blank rows for a typical estimate; blank rows are ignored on submit. */
const MIN_ROWS = 3;

export function newEstimatePage(
  base: LayoutView,
  view: { csrf: string; values?: EstimateFormValues; error?: string },
): string {
  const values = view.values ?? { title: '', rows: [] };
  const rows = [...values.rows];
  while (rows.length < MIN_ROWS) rows.push({ description: '', quantity: '', unitPrice: '' });
  const fields = rows.map((row, i) => {
    const n = i + 1;
    return html`<div class="item-row" data-testid="item-row">
        <label for="item-${n}-description">Line ${n} description</label>
        <input id="item-${n}-description" name="item_description" value="${row.description}">
        <label for="item-${n}-quantity">Quantity</label>
        <input id="item-${n}-quantity" name="item_quantity" inputmode="numeric" value="${row.quantity}">
        <label for="item-${n}-unit-price">Unit price ($)</label>
        <input id="item-${n}-unit-price" name="item_unit_price" inputmode="decimal" value="${row.unitPrice}">
      </div>`;
  });
  return layout(
    { ...base, title: 'New estimate' },
    html`<section class="card">
      <h1>New estimate</h1>
      ${view.error && html`<p role="alert" class="alert">${view.error}</p>`}
      <form method="post" action="/estimates" class="stack">
        <input type="hidden" name="_csrf" value="${view.csrf}">
        <label for="title">Title</label>
        <input id="title" name="title" required maxlength="120" value="${values.title}">
        <fieldset>
          <legend>Line items</legend>
          ${fields}
        </fieldset>
        <div class="actions">
          <button type="submit">Create estimate</button>
          <a href="/estimates">Cancel</a>
        </div>
      </form>
    </section>`,
  );
}
