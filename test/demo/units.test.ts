import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../demo/db/password.ts';
import { parseEstimateForm } from '../../demo/estimate-form.ts';
import { formatCents, parseAmountToCents } from '../../demo/money.ts';
import { html } from '../../demo/pages/html.ts';

describe('money', () => {
  it('formats integer cents', () => {
    expect(formatCents(123450)).toBe('$1,234.50');
    expect(formatCents(5)).toBe('$0.05');
    expect(formatCents(100000000)).toBe('$1,000,000.00');
  });

  it('parses amounts without floats', () => {
    expect(parseAmountToCents('33.3')).toBe(3330);
    expect(parseAmountToCents('$1,234.56')).toBe(123456);
    expect(parseAmountToCents('0.07')).toBe(7);
    for (const bad of ['', '-1', '1.234', '1,23', 'abc', '1e3'])
      expect(parseAmountToCents(bad), bad).toBeUndefined();
  });
});

describe('estimate form', () => {
  it('ignores blank rows and converts to cents', () => {
    const form = new URLSearchParams();
    form.set('title', '  Roof ');
    for (const [d, q, p] of [
      ['Tiles', '100', '2.50'],
      ['', '', ''],
      ['Labour', '8', '45'],
    ]) {
      form.append('item_description', d!);
      form.append('item_quantity', q!);
      form.append('item_unit_price', p!);
    }
    expect(parseEstimateForm(form)).toEqual({
      ok: true,
      title: 'Roof',
      items: [
        { description: 'Tiles', quantity: 100, unitPriceCents: 250 },
        { description: 'Labour', quantity: 8, unitPriceCents: 4500 },
      ],
    });
  });

  it('names the form line of the first problem', () => {
    const form = new URLSearchParams('title=T&item_description=&item_quantity=&item_unit_price=');
    form.append('item_description', 'x');
    form.append('item_quantity', '0');
    form.append('item_unit_price', '1');
    expect(parseEstimateForm(form)).toMatchObject({
      ok: false,
      message: 'Line 2: quantity must be at least 1.',
    });
  });
});

describe('passwords and HTML', () => {
  it('hashes with a salt and verifies', async () => {
    const [a, b] = await Promise.all([hashPassword('pw'), hashPassword('pw')]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('pw', a)).toBe(true);
    expect(await verifyPassword('PW', a)).toBe(false);
    expect(await verifyPassword('pw', 'plain')).toBe(false);
  });

  it('escapes interpolations but not nested html', () => {
    expect(html`<p>${'<b>'}${html`<i>${'&'}</i>`}${['"', null, false]}</p>`.value).toBe(
      '<p>&lt;b&gt;<i>&amp;</i>&quot;</p>',
    );
  });
});
