import { describe, expect, it } from 'vitest';
import { makeUniverse, type Universe } from '../../src/core/universe.ts';
import { generateSyntheticMarket } from '../../src/data/synthetic/index.ts';
import { factorCovarianceOperator } from '../../src/risk/factor-model/assemble.ts';
import { buildRiskModel } from '../../src/risk/factor-model/build.ts';
import { defaultLoadings, logReturnsFromUniverse } from '../../src/risk/factor-model/loadings.ts';

const u = generateSyntheticMarket({ stocks: 40, days: 300, seed: 5 }).universe;
const N = u.tickers.length;

/** Naive z-score after 3σ winsorisation of one cross-section (methods.md §1). */
function naiveStandardise(x: number[]): number[] {
  const z = (v: number[]) => {
    const ok = v.filter((a) => !Number.isNaN(a));
    const m = ok.reduce((a, b) => a + b, 0) / ok.length;
    const s = Math.sqrt(ok.reduce((a, b) => a + (b - m) ** 2, 0) / ok.length);
    return { m, s, n: ok.length };
  };
  const { m, s, n } = z(x);
  const w =
    n >= 3 && s > 1e-12
      ? x.map((a) => (Number.isNaN(a) ? a : Math.min(Math.max(a, m - 3 * s), m + 3 * s)))
      : x;
  const st = z(w);
  return w.map((a) => (st.n >= 2 && st.s > 1e-12 ? (a - st.m) / st.s : Number.NaN));
}

describe('default loadings', () => {
  const { loadings, skipped } = defaultLoadings(u);
  const byName = new Map(loadings.map((l) => [l.name, l.panel.values]));
  const lr = logReturnsFromUniverse(u)!;

  it('builds all eight on a full universe', () => {
    expect(skipped).toEqual([]);
    expect(loadings.map((l) => l.name)).toEqual([
      'size',
      'value',
      'momentum',
      'low_volatility',
      'quality',
      'growth',
      'accruals',
      'short_interest',
    ]);
  });

  it('log returns are ln(P_t/P_{t−1})', () => {
    const c = u.panels.get('close')!.values;
    expect(lr.values[5 * N + 3]).toBeCloseTo(Math.log(c[5 * N + 3]! / c[4 * N + 3]!), 14);
    expect(lr.values[3]).toBeNaN();
  });

  it('size and momentum equal their naive definitions on a date', () => {
    const t = 290;
    const mcap = Array.from({ length: N }, (_, i) =>
      Math.log(u.panels.get('market_cap')!.values[t * N + i]!),
    );
    const want = naiveStandardise(mcap);
    const got = byName.get('size')!.subarray(t * N, (t + 1) * N);
    want.forEach((v, i) => (Number.isNaN(v) ? expect(got[i]).toBeNaN() : expect(got[i]!).toBeCloseTo(v, 12)));
    const mom = Array.from({ length: N }, (_, i) => {
      let s = 0;
      let n = 0;
      for (let k = t - 251; k <= t - 21; k++) {
        const x = lr.values[k * N + i]!;
        if (!Number.isNaN(x)) {
          s += x;
          n++;
        }
      }
      return n >= 189 ? s : Number.NaN;
    });
    const wantMom = naiveStandardise(mom);
    const gotMom = byName.get('momentum')!.subarray(t * N, (t + 1) * N);
    wantMom.forEach((v, i) =>
      Number.isNaN(v) ? expect(gotMom[i]).toBeNaN() : expect(gotMom[i]!).toBeCloseTo(v, 10),
    );
    // Not enough history before day 251 + 21.
    expect(Array.from(byName.get('momentum')!.subarray(200 * N, 201 * N)).every(Number.isNaN)).toBe(true);
  });

  it('are point-in-time: perturbing data after t changes nothing at or before t', () => {
    const t = 250;
    const panels = new Map(
      [...u.panels].map(([k, p]) => {
        const v = p.values.slice();
        for (let q = (t + 1) * N; q < v.length; q++) v[q] = v[q]! * 1.7 + 0.3;
        return [k, { ...p, values: v }] as const;
      }),
    );
    const moved = defaultLoadings(makeUniverse({ ...u, panels }));
    for (const l of moved.loadings) {
      const a = byName.get(l.name)!.subarray(0, (t + 1) * N);
      const b = l.panel.values.subarray(0, (t + 1) * N);
      expect(Array.from(b)).toEqual(Array.from(a));
    }
  });
});

describe('the risk build is point-in-time', () => {
  it('a model as of t does not change when the universe after t is perturbed', async () => {
    const t = 270;
    const perturbed = (src: Universe): Universe => {
      const panels = new Map(
        [...src.panels].map(([k, p]) => {
          const v = p.values.slice();
          for (let q = (t + 1) * N; q < v.length; q++) v[q] = k === 'close' ? v[q]! * 1.3 : -v[q]!;
          return [k, { ...p, values: v }] as const;
        }),
      );
      return makeUniverse({ ...src, panels });
    };
    const a = await buildRiskModel(u, { asOf: u.dates[t]! });
    const b = await buildRiskModel(perturbed(u), { asOf: u.dates[t]! });
    expect(a.status).toBe('ok');
    expect(Array.from(b.model!.F)).toEqual(Array.from(a.model!.F));
    expect(Array.from(b.model!.D)).toEqual(Array.from(a.model!.D));
    expect(Array.from(b.model!.B)).toEqual(Array.from(a.model!.B));
  });
});

describe('methods.md R5.3 through the factor-model operator', () => {
  it('Woodbury solve and quadratic form', () => {
    const S = factorCovarianceOperator(
      4,
      1,
      Float64Array.of(1.0, 0.8, 1.2, 0.5),
      Float64Array.of(0.03),
      Float64Array.of(0.04, 0.09, 0.01, 0.0625),
    );
    const x = S.solve(Float64Array.of(1, 2, 3, 4));
    const want = [-25.923997917751173, 4.11591185146625, 55.56480999479438, 47.704320666319624];
    want.forEach((v, i) => expect(Math.abs(x[i]! - v)).toBeLessThanOrEqual(1e-9 * Math.abs(v)));
    expect(Math.abs(S.quadForm(Float64Array.of(0.25, -0.25, 0.5, -0.5)) - 0.03105)).toBeLessThan(1e-15);
  });
});
