/** Schemas shared by the routes: pagination, dates, instants, names, and numbers that may be missing. */
import { z } from 'zod';
import { isIsoDate, parseInstant } from '../core/calendar.ts';

export const MAX_LIMIT = 1000;

/** `?limit=&offset=` on every list; limit 1…1000 (default 100), offset ≥ 0. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(100).describe('page size (1…1000)'),
  offset: z.coerce.number().int().min(0).default(0).describe('rows to skip'),
});

export interface Page<T> {
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
  readonly items: T[];
}

/** The page of `items` at (offset, limit), with the total count. */
export function paginate<T>(items: readonly T[], q: { limit: number; offset: number }): Page<T> {
  return {
    total: items.length,
    limit: q.limit,
    offset: q.offset,
    items: items.slice(q.offset, q.offset + q.limit),
  };
}

/** The response schema of a page of `item`. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
    items: z.array(item),
  });
}

export const isoDate = z.string().refine(isIsoDate, { message: 'must be a date of the form yyyy-mm-dd' });

/** ISO-8601 with a zone, or a bare date (= that day's close, 21:00 UTC); parsed to epoch ms. */
export const instant = z
  .string()
  .refine(
    (s) => {
      try {
        parseInstant(s);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'must be ISO-8601 with a zone (Z or ±hh:mm) or a date yyyy-mm-dd (its 21:00 UTC close)' },
  )
  .transform((s) => parseInstant(s));

/** Names of models, runs, strategies, entities: no path separators, no leading dot. */
export const safeName = z
  .string()
  .min(1)
  .max(200)
  .regex(
    /^[A-Za-z0-9_][A-Za-z0-9_.:@-]*$/,
    'must use letters, digits and _ . : @ - (not starting with . or -)',
  );

/** A number that is null on the wire when it was NaN or ±∞ (no data; methods.md §0). */
export const num = z.number().nullable();

/** Comma-separated list in a query string: `a,b,c`. */
export const csvList = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0),
);

/** NaN and ±∞ as null for JSON. */
export const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** Instant (epoch ms) as ISO text; null when missing. */
export const isoOrNull = (ms: number): string | null =>
  Number.isFinite(ms) ? new Date(ms).toISOString() : null;
