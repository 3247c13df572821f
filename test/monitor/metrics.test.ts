import { describe, expect, it } from 'vitest';
import { businessDays, closeTime } from '../../src/core/calendar.ts';
import { InvalidInputError } from '../../src/core/errors.ts';
import { Rng } from '../../src/core/rng.ts';
import {
  accuracyAgainstMajority,
  computeDriftMetrics,
  DEFAULT_DRIFT_METRIC_OPTIONS,
  featurePsi,
  sharpeAt,
} from '../../src/monitor/metrics.ts';
import type { DriftInput } from '../../src/monitor/types.ts';
import { batch, naiveSpearman } from './helpers.ts';

const R81 = [0.01, -0.02, 0.015, 0.005, -0.01, 0.02, -0.005, 0.012];
const dates8 = businessDays('2024-01-01', 8);

function emptyInput(date: string, over: Partial<DriftInput> = {}): DriftInput {
  return {
    date,
    strategyId: 's',
    predictions: [],
    returns: { dates: [], values: new Float64Array(0) },
    features: [],
    model: null,
    ...over,
  };
}

describe('rolling Sharpe (methods.md §8, R8.1)', () => {
  it('the last 5 returns give 5.716405692290214 with Lo’s standard error', () => {
    const r = sharpeAt({ dates: dates8, values: Float64Array.from(R81) }, dates8[7]!, 5);
    expect(r.value).toBeCloseTo(5.716405692290214, 9);
    const srd = 5.716405692290214 / Math.sqrt(252);
    expect(r.se).toBeCloseTo(Math.sqrt(252) * Math.sqrt((1 + srd ** 2 / 2) / 5), 9);
  });
  it('uses only returns dated ≤ D and needs W of them', () => {
    const ret = { dates: dates8, values: Float64Array.from(R81) };
    // D = the 7th date: the window is returns 3..7 (indices 2..6).
    const w = R81.slice(2, 7);
    const m = w.reduce((s, v) => s + v, 0) / 5;
    const sd = Math.sqrt(w.reduce((s, v) => s + (v - m) ** 2, 0) / 4);
    expect(sharpeAt(ret, dates8[6]!, 5).value).toBeCloseTo((Math.sqrt(252) * m) / sd, 12);
    expect(sharpeAt(ret, dates8[3]!, 5).value).toBeNaN();
    expect(sharpeAt({ dates: [], values: new Float64Array(0) }, dates8[7]!, 5).value).toBeNaN();
  });
  it('constant returns give NaN, not 0 (spec 004 returns 0 and fires the Sharpe alert)', () => {
    const r = sharpeAt({ dates: dates8, values: new Float64Array(8).fill(0.001) }, dates8[7]!, 5);
    expect(r.value).toBeNaN();
    expect(r.se).toBeNaN();
  });
});

describe('PSI per feature (methods.md §9.8, R9.9) and the minimum-sample rule', () => {
  const e = Float64Array.from({ length: 20 }, (_, i) => i + 1);
  const a = Float64Array.from({ length: 20 }, (_, i) => i + 5);
  it('R9.9: baseline 1..20 vs 5..24 → 2.522308217393223, eligible only when both n ≥ the minimum', () => {
    const [small] = featurePsi([{ name: 'x', baseline: e, current: a }], 500);
    expect(small!.psi).toBeCloseTo(2.522308217393223, 9);
    expect(small!.eligible).toBe(false);
    expect([small!.baselineCount, small!.currentCount]).toEqual([20, 20]);
    const [ok] = featurePsi([{ name: 'x', baseline: e, current: a }], 20);
    expect(ok!.eligible).toBe(true);
  });
  it('identical samples give 0; an empty current sample gives NaN and is never eligible', () => {
    expect(featurePsi([{ name: 'x', baseline: e, current: e }], 1)[0]!.psi).toBe(0);
    const [none] = featurePsi([{ name: 'x', baseline: e, current: new Float64Array(0) }], 0);
    expect(none!.psi).toBeNaN();
    expect(none!.eligible).toBe(false);
  });
  it('ineligible PSI is NaN in the metric map, so no rule can read it', () => {
    const m = computeDriftMetrics(
      emptyInput('2024-01-10', { features: [{ name: 'x', baseline: e, current: a }] }),
      DEFAULT_DRIFT_METRIC_OPTIONS,
    );
    expect(m.psi[0]!.psi).toBeCloseTo(2.522308217393223, 9);
    expect(m.values['psi:x']).toBeNaN();
    expect(m.psiMax).toBeNaN();
  });
});

describe('accuracy against the majority-class rate (methods.md §9.9, R9.10)', () => {
  it('R9.10: [2,1,0,2,2] vs [2,0,0,1,2] → 0.6; majority rate of the outcomes 0.4', () => {
    const b = batch(
      '2024-01-02',
      '2024-01-09',
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
      [2, 1, 0, 2, 2],
      [2, 0, 0, 1, 2],
    );
    const r = accuracyAgainstMajority([b], 100);
    expect(r.accuracy).toBeCloseTo(0.6, 12);
    expect(r.majorityRate).toBeCloseTo(0.4, 12);
    expect(r.count).toBe(5);
  });
  it('matches a naive twin over random batches with missing values', () => {
    const rng = new Rng(7);
    for (let rep = 0; rep < 30; rep++) {
      const batches = Array.from({ length: 1 + rng.int(6) }, (_, k) => {
        const n = rng.int(12);
        const cls = () => Array.from({ length: n }, () => (rng.uniform() < 0.15 ? Number.NaN : rng.int(3)));
        return batch(
          `2024-01-0${k + 1}`,
          `2024-02-0${k + 1}`,
          new Array(n).fill(0),
          new Array(n).fill(0),
          cls(),
          cls(),
        );
      });
      const window = 1 + rng.int(25);
      const pairs: [number, number][] = [];
      for (const b of batches)
        for (let i = 0; i < b.score.length; i++)
          if (!Number.isNaN(b.predictedClass[i]!) && !Number.isNaN(b.realisedClass[i]!))
            pairs.push([b.predictedClass[i]!, b.realisedClass[i]!]);
      const last = pairs.slice(-window);
      const r = accuracyAgainstMajority(batches, window);
      expect(r.count).toBe(last.length);
      if (last.length === 0) {
        expect(r.accuracy).toBeNaN();
        expect(r.majorityRate).toBeNaN();
        continue;
      }
      expect(r.accuracy).toBeCloseTo(last.filter(([p, o]) => p === o).length / last.length, 12);
      const counts = [0, 1, 2].map((c) => last.filter(([, o]) => o === c).length);
      expect(r.majorityRate).toBeCloseTo(Math.max(...counts) / last.length, 12);
    }
  });
});

describe('rank IC of resolved predictions', () => {
  const D = '2024-03-15';
  const rng = new Rng(11);
  const n = 40;
  const mk = (date: string, resolvesOn: string) => {
    const s = Array.from({ length: n }, () => (rng.uniform() < 0.1 ? Number.NaN : rng.normal()));
    const r = s.map((v) => (Number.isNaN(v) ? rng.normal() : 0.3 * v + rng.normal()));
    return batch(date, resolvesOn, s, r);
  };
  const batches = [
    mk('2024-03-01', '2024-03-08'),
    mk('2024-03-04', '2024-03-11'),
    mk('2024-03-05', '2024-03-12'),
    mk('2024-03-06', '2024-03-13'),
    mk('2024-03-07', '2024-03-14'),
    mk('2024-03-08', '2024-03-15'),
    mk('2024-03-11', '2024-03-18'),
  ];
  it('IC is the batch resolving on D; the 5-batch average uses the last five resolved', () => {
    const m = computeDriftMetrics(emptyInput(D, { predictions: batches }));
    const b = batches[5]!;
    expect(m.ic).toBeCloseTo(naiveSpearman(b.score, b.realisedReturn, 20), 12);
    expect(m.icBatchDate).toBe('2024-03-08');
    const ics = batches.slice(1, 6).map((x) => naiveSpearman(x.score, x.realisedReturn, 20));
    expect(m.ic5dAvg).toBeCloseTo(ics.reduce((s, v) => s + v, 0) / 5, 12);
  });
  it('an unresolved batch never counts: changing its outcomes changes nothing', () => {
    const a = computeDriftMetrics(emptyInput(D, { predictions: batches }));
    const changed = batches.map((x, k) =>
      k === 6
        ? {
            ...x,
            realisedReturn: x.realisedReturn.map(() => 99),
            realisedClass: x.realisedClass.map(() => 2),
          }
        : x,
    );
    const b = computeDriftMetrics(emptyInput(D, { predictions: changed }));
    expect(b.values).toEqual(a.values);
  });
  it('no batch resolving on D, too few names, or constant scores give NaN', () => {
    expect(computeDriftMetrics(emptyInput('2024-03-16', { predictions: batches })).ic).toBeNaN();
    const few = batch('2024-03-08', D, [1, 2, 3], [3, 2, 1]);
    expect(computeDriftMetrics(emptyInput(D, { predictions: [few] })).ic).toBeNaN();
    const flat = batch(
      '2024-03-08',
      D,
      new Array(30).fill(1),
      Array.from({ length: 30 }, (_, i) => i),
    );
    const m = computeDriftMetrics(emptyInput(D, { predictions: [flat] }));
    expect(m.ic).toBeNaN();
    expect(m.ic5dAvg).toBeNaN();
  });
  it('everything is NaN without data, never 0', () => {
    const m = computeDriftMetrics(emptyInput(D));
    for (const [k, v] of Object.entries(m.values)) expect(v, k).toBeNaN();
  });
  it('refuses malformed input with typed errors', () => {
    expect(() => computeDriftMetrics(emptyInput('2024-3-15'))).toThrow(InvalidInputError);
    const bad = { ...batches[0]!, realisedClass: new Float64Array(3) };
    expect(() => computeDriftMetrics(emptyInput(D, { predictions: [bad] }))).toThrow(
      /realisedClass has 3 names/,
    );
    const backwards = { ...batches[0]!, resolvesOn: '2024-02-01' };
    expect(() => computeDriftMetrics(emptyInput(D, { predictions: [backwards] }))).toThrow(InvalidInputError);
  });
});

describe('model age', () => {
  it('is calendar days from registration to the close of D', () => {
    const created = closeTime('2024-03-01') - 6 * 3_600_000;
    const m = computeDriftMetrics(
      emptyInput('2024-03-15', { model: { name: 'm', version: 1, createdAtMs: created } }),
    );
    expect(m.modelAgeDays).toBeCloseTo(14.25, 12);
  });
});
