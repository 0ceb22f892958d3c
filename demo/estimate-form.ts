import { z } from 'zod';
import type { NewLineItem } from './db/store.ts';
import { parseAmountToCents } from './money.ts';

export interface EstimateFormValues {
  title: string;
  rows: { description: string; quantity: string; unitPrice: string }[];
}

export type EstimateFormResult =
  | { ok: true; title: string; items: NewLineItem[] }
  | { ok: false; message: string; values: EstimateFormValues };

// Bounds keep every total a safe integer: 50 items × 100,000 × $9,999,999.99 < 2^53 cents.
const MAX_UNIT_PRICE_CENTS = 999_999_999;

const itemSchema = z.object({
  description: z
    .string()
    .trim()
    .min(1, 'description is required')
    .max(200, 'description is too long (200 at most)'),
  quantity: z
    .string()
    .trim()
    .regex(/^\d{1,6}$/, 'quantity must be a whole number')
    .transform(Number)
    .pipe(
      z.number().int().min(1, 'quantity must be at least 1').max(100_000, 'quantity must be at most 100,000'),
    ),
  unitPrice: z
    .string()
    .trim()
    .transform((value, ctx) => {
      const cents = parseAmountToCents(value);
      if (cents === undefined || cents > MAX_UNIT_PRICE_CENTS) {
        ctx.addIssue({ code: 'custom', message: 'unit price must be an amount like 12.50' });
        return z.NEVER;
      }
      return cents;
    }),
});

const estimateSchema = z.object({
  title: z
    .string()
    .trim()
    .min(1, 'Title is required.')
    .max(120, 'Title is too long (120 characters at most).'),
  items: z.array(itemSchema).min(1, 'Add at least one line item.').max(50, 'At most 50 line items.'),
});

/** Reads the repeated `item_*` fields; rows left entirely blank are ignored. */
export function readEstimateForm(form: URLSearchParams): EstimateFormValues {
  const descriptions = form.getAll('item_description');
  const quantities = form.getAll('item_quantity');
  const prices = form.getAll('item_unit_price');
  const count = Math.max(descriptions.length, quantities.length, prices.length);
  const rows = Array.from({ length: count }, (_, i) => ({
    description: descriptions[i] ?? '',
    quantity: quantities[i] ?? '',
    unitPrice: prices[i] ?? '',
  }));
  return { title: form.get('title') ?? '', rows };
}

export function parseEstimateForm(form: URLSearchParams): EstimateFormResult {
  const values = readEstimateForm(form);
  const filled = values.rows
    .map((row, index) => ({ row, number: index + 1 }))
    .filter(({ row }) => `${row.description}${row.quantity}${row.unitPrice}`.trim() !== '');
  const parsed = estimateSchema.safeParse({ title: values.title, items: filled.map(({ row }) => row) });
  if (parsed.success) {
    const items = parsed.data.items.map((item) => ({
      description: item.description,
      quantity: item.quantity,
      unitPriceCents: item.unitPrice,
    }));
    return { ok: true, title: parsed.data.title, items };
  }
  const issue = parsed.error.issues[0]!;
  const [field, index] = issue.path;
  // Name the row as the user sees it on the form, not its index among the non-blank rows.
  const row = field === 'items' && typeof index === 'number' ? filled[index]?.number : undefined;
  const message = row === undefined ? issue.message : `Line ${row}: ${issue.message}.`;
  return { ok: false, message, values };
}
