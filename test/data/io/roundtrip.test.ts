import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { businessDays } from '../../../src/core/calendar.ts';
import type { Universe } from '../../../src/core/universe.ts';
import { makeUniverse } from '../../../src/core/universe.ts';
import { readUniverseDir, writeUniverseDir } from '../../../src/data/index.ts';
import { bitDifferences, randomUniverse, tempDir } from './helpers.ts';

function expectSameUniverse(a: Universe, b: Universe): void {
  expect(b.dates).toEqual(a.dates);
  expect(b.tickers).toEqual(a.tickers);
  expect(b.securities).toEqual(a.securities);
  expect([...b.panels.keys()].sort()).toEqual([...a.panels.keys()].sort());
  for (const [name, p] of a.panels)
    expect(bitDifferences(p.values, b.panels.get(name)!.values), name).toBe(0);
  expect([...b.series.keys()].sort()).toEqual([...a.series.keys()].sort());
  for (const [name, s] of a.series) expect(bitDifferences(s, b.series.get(name)!), name).toBe(0);
  expect(b.events.fields).toEqual(a.events.fields);
  expect([...b.events.ticker]).toEqual([...a.events.ticker]);
  expect([...b.events.field]).toEqual([...a.events.field]);
  expect(bitDifferences(a.events.eventTime, b.events.eventTime)).toBe(0);
  expect(bitDifferences(a.events.availableTime, b.events.availableTime)).toBe(0);
  expect(bitDifferences(a.events.value, b.events.value)).toBe(0);
}

describe('universe directory round trip', () => {
  it('CSV → Parquet → CSV keeps every double bit for bit', async () => {
    const { dir, cleanup } = tempDir('rt');
    try {
      const u = randomUniverse(40, 7, 1, ['close', 'volume', 'eps', 'return']);
      await writeUniverseDir(u, join(dir, 'csv'), { format: 'csv' });
      const fromCsv = await readUniverseDir(join(dir, 'csv'));
      expectSameUniverse(u, fromCsv);
      await writeUniverseDir(fromCsv, join(dir, 'pq'), { format: 'parquet' });
      const fromPq = await readUniverseDir(join(dir, 'pq'));
      expectSameUniverse(u, fromPq);
      await writeUniverseDir(fromPq, join(dir, 'csv2'), { format: 'csv' });
      expectSameUniverse(u, await readUniverseDir(join(dir, 'csv2')));
    } finally {
      cleanup();
    }
  });

  it('any finite double survives both formats (property)', async () => {
    const { dir, cleanup } = tempDir('rtp');
    try {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 30 }),
          async (xs) => {
            const dates = businessDays('2021-03-01', xs.length);
            const u = makeUniverse({
              dates,
              tickers: ['A'],
              securities: [{ ticker: 'A', sector: 'S' }],
              panels: new Map([['x', { dates, tickers: ['A'], values: Float64Array.from(xs) }]]),
              source: 'prop',
            });
            for (const format of ['csv', 'parquet'] as const) {
              const out = join(dir, `${format}-${run++}`);
              await writeUniverseDir(u, out, { format });
              const back = await readUniverseDir(out);
              expect(bitDifferences(u.panels.get('x')!.values, back.panels.get('x')!.values)).toBe(0);
            }
          },
        ),
        { numRuns: 8 },
      );
    } finally {
      cleanup();
    }
  });

  it('derives return from close when the file has no return column', async () => {
    const { dir, cleanup } = tempDir('ret');
    try {
      const u = randomUniverse(6, 3, 2, ['close']);
      await writeUniverseDir(u, join(dir, 'u'), { format: 'parquet' });
      const back = await readUniverseDir(join(dir, 'u'));
      const c = u.panels.get('close')!.values;
      const r = back.panels.get('return')!.values;
      for (let t = 0; t < 6; t++) {
        for (let i = 0; i < 3; i++) {
          const want = t === 0 ? Number.NaN : c[t * 3 + i]! / c[(t - 1) * 3 + i]! - 1;
          expect(Object.is(r[t * 3 + i], want)).toBe(true);
        }
      }
    } finally {
      cleanup();
    }
  });
});
