import { z } from 'zod';

/** A file or body attached to a result, shaped like Playwright's attachments. */
export const Evidence = z
  .object({
    name: z.string().min(1),
    contentType: z.string().min(1),
    path: z.string().optional(),
    body: z.string().optional(),
  })
  .refine((e) => e.path !== undefined || e.body !== undefined, {
    message: 'evidence needs a path or a body',
  });
export type Evidence = z.infer<typeof Evidence>;
