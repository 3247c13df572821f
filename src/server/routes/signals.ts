/** The signal feed: the day's ML signals (direction, confidence, size) stored by `alphalab predict`. */
import { z } from 'zod';
import { NotFoundError } from '../../core/errors.ts';
import type { Store } from '../../store/open-store.ts';
import { route } from '../route.ts';
import { finiteOrNull, isoDate, num, pageOf, pageQuery, paginate } from '../schemas.ts';
import { signalDates, signalsOn } from '../sources/signal-feed.ts';

export function signalRoutes(store: Store) {
  return [
    route({
      method: 'GET',
      url: '/api/signals/dates',
      tag: 'signals',
      summary: 'Dates with stored ML signals, newest first',
      query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(60) }),
      response: z.object({ dates: z.array(z.string()) }),
      handler: async ({ query }) => ({ dates: await signalDates(store.engine, query.limit) }),
    }),
    route({
      method: 'GET',
      url: '/api/signals',
      tag: 'signals',
      summary:
        "A day's ML signals (default the latest day), strongest first: direction, confidence, Kelly size",
      query: pageQuery.extend({
        date: isoDate.optional(),
        direction: z.enum(['LONG', 'SHORT']).optional(),
        minConfidence: z.coerce.number().min(0).max(1).optional(),
      }),
      response: pageOf(
        z.object({
          ticker: z.string(),
          direction: z.enum(['LONG', 'SHORT']),
          confidence: num,
          size: num,
          producerVersion: z.string().nullable(),
        }),
      ).extend({ date: z.string().nullable(), long: z.number().int(), short: z.number().int() }),
      handler: async ({ query }) => {
        const date = query.date ?? (await signalDates(store.engine, 1))[0];
        if (date === undefined) return { date: null, long: 0, short: 0, ...paginate([], query) };
        const all = await signalsOn(store.engine, date);
        if (query.date !== undefined && all.length === 0)
          throw new NotFoundError(`no ML signals are stored for ${date}`, { where: { date } });
        const long = all.filter((s) => s.direction === 'LONG').length;
        let list = all;
        if (query.direction !== undefined) list = list.filter((s) => s.direction === query.direction);
        if (query.minConfidence !== undefined)
          list = list.filter((s) => s.confidence >= query.minConfidence!);
        const page = paginate(list, query);
        return {
          date,
          long,
          short: all.length - long,
          ...page,
          items: page.items.map((s) => ({
            ...s,
            confidence: finiteOrNull(s.confidence),
            size: finiteOrNull(s.size),
          })),
        };
      },
    }),
  ];
}
