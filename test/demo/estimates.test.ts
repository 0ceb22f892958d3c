import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoServer } from '../../demo/server.ts';
import { Client, csrfFrom, startTestDemo, tempDirs } from './helpers.ts';

const dirs = tempDirs();
let demo: DemoServer;

beforeAll(async () => {
  demo = await startTestDemo(dirs.make());
});

afterAll(async () => {
  await demo.close();
  dirs.cleanup();
});

async function signedIn(): Promise<Client> {
  const c = new Client(demo.url);
  expect((await c.login()).status).toBe(303);
  return c;
}

function rowsOf(html: string): { title: string; total: string }[] {
  return [...html.matchAll(/<tr data-testid="estimate-row">([\s\S]*?)<\/tr>/g)].map(([, row]) => ({
    title: /data-testid="estimate-title">([^<]*)</.exec(row!)?.[1] ?? '',
    total: /data-testid="estimate-total">([^<]*)</.exec(row!)?.[1] ?? '',
  }));
}

describe('estimates', () => {
  it('creates an estimate with two line items and lists it with the server-side total', async () => {
    const c = await signedIn();
    const form = await (await c.get('/estimates/new')).text();
    expect(form.match(/name="item_description"/g)).toHaveLength(3);
    const res = await c.post('/estimates', {
      _csrf: csrfFrom(form),
      title: 'Kitchen refit',
      item_description: ['Cabinets', 'Fitting', ''],
      item_quantity: ['3', '10', ''],
      item_unit_price: ['300.50', '33.30', ''],
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/estimates');
    // 3 × 300.50 + 10 × 33.30 = 901.50 + 333.00
    const list = await c.get('/estimates');
    expect(rowsOf(await list.text())).toContainEqual({ title: 'Kitchen refit', total: '$1,234.50' });

    const api = await c.get('/api/estimates');
    expect(api.status).toBe(200);
    const body = (await api.json()) as { estimates: { title: string; totalCents: number; total: string }[] };
    expect(body.estimates).toContainEqual(
      expect.objectContaining({
        title: 'Kitchen refit',
        itemCount: 2,
        totalCents: 123450,
        total: '$1,234.50',
      }),
    );
  });

  it('rejects invalid input with 400 and a message, keeping what was typed', async () => {
    const c = await signedIn();
    const _csrf = await c.csrf('/estimates/new');
    const cases: [{ title: string } & Record<string, string | string[]>, string][] = [
      [{ title: '', item_description: 'A', item_quantity: '1', item_unit_price: '1' }, 'Title is required.'],
      [
        { title: 'No items', item_description: '', item_quantity: '', item_unit_price: '' },
        'at least one line item',
      ],
      [
        { title: 'Bad qty', item_description: 'A', item_quantity: '1.5', item_unit_price: '1' },
        'Line 1: quantity',
      ],
      [
        {
          title: 'Bad price',
          item_description: ['', 'B'],
          item_quantity: ['', '2'],
          item_unit_price: ['', '1.234'],
        },
        'Line 2: unit price must be an amount like 12.50.',
      ],
    ];
    for (const [fields, message] of cases) {
      const res = await c.post('/estimates', { _csrf, ...fields });
      expect(res.status).toBe(400);
      const html = await res.text();
      expect(html).toMatch(/role="alert"/);
      expect(html).toContain(message);
      expect(html).toContain(`value="${fields.title}"`);
    }
  });

  it('requires the session-bound CSRF token (403) and a session', async () => {
    const c = await signedIn();
    const fields = { title: 'x', item_description: 'a', item_quantity: '1', item_unit_price: '1' };
    expect((await c.post('/estimates', fields)).status).toBe(403);
    // A valid token of another session is still the wrong token.
    const other = await signedIn();
    const foreign = await other.csrf('/estimates/new');
    expect((await c.post('/estimates', { ...fields, _csrf: foreign })).status).toBe(403);
    const anonymous = new Client(demo.url);
    expect((await anonymous.post('/estimates', { ...fields, _csrf: foreign })).headers.get('location')).toBe(
      '/login',
    );
    expect((await anonymous.get('/api/estimates')).status).toBe(401);
  });

  it('escapes user input in pages', async () => {
    const c = await signedIn();
    const _csrf = await c.csrf('/estimates/new');
    const title = '<script>alert(1)</script> & "quotes"';
    await c.post('/estimates', {
      _csrf,
      title,
      item_description: 'x',
      item_quantity: '1',
      item_unit_price: '1',
    });
    const html = await (await c.get('/estimates')).text();
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
  });
});
