import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FORWARD_FILLED_PANELS, generateSyntheticMarket } from '../../../src/data/synthetic/index.ts';
import { firstDifference } from './arrays.ts';
import { naivePitFill } from './naive-pit.ts';

describe('synthetic market: invariants on random small markets', () => {
  it('holds for any seed, size, sector count and start date', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 11 }),
        fc.integer({ min: 0, max: 25 }),
        fc.integer({ min: 1, max: 90 }),
        fc.integer({ min: -1e9, max: 1e9 }),
        fc.date({ min: new Date('1995-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }),
        (sectors, extra, days, seed, startDate) => {
          const stocks = sectors + extra;
          const start = startDate.toISOString().slice(0, 10);
          const { universe: u, truth } = generateSyntheticMarket({ stocks, days, sectors, seed, start });
          const N = stocks;
          const P = (f: string) => u.panels.get(f)!.values;
          const [open, high, low, close, ret, volume] = [
            'open',
            'high',
            'low',
            'close',
            'return',
            'volume',
          ].map(P);
          expect(u.sectors.length).toBe(sectors);
          for (let k = 0; k < N * days; k++) {
            const ok =
              close[k]! > 0 &&
              low[k]! > 0 &&
              low[k]! <= Math.min(open[k]!, close[k]!) &&
              high[k]! >= Math.max(open[k]!, close[k]!) &&
              Number.isInteger(volume[k]!) &&
              volume[k]! >= 1 &&
              (k < N ? Number.isNaN(ret[k]!) : ret[k] === close[k]! / close[k - N]! - 1);
            if (!ok) throw new Error(`bar ${k} breaks an invariant`);
          }
          for (const field of FORWARD_FILLED_PANELS) {
            expect(firstDifference(P(field), naivePitFill(u, field)), field).toBe(-1);
          }
          for (const s of u.series.values()) expect(s.every(Number.isFinite)).toBe(true);
          expect(truth.annualVols.every((v) => v >= 0.15 - 1e-12 && v <= 0.45 + 1e-12)).toBe(true);
          const e = u.events;
          const lastClose = Date.parse(`${u.dates[days - 1]}T21:00:00Z`);
          for (let k = 0; k < e.value.length; k++) {
            if (!(e.availableTime[k]! > e.eventTime[k]! && e.availableTime[k]! <= lastClose)) {
              throw new Error(`event ${k} has bad times`);
            }
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
