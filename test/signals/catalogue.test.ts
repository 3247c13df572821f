import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.ts';
import {
  baseSignalSpecs,
  buildSignalContext,
  builtinFamilies,
  checkSpecs,
  computeRawSignal,
  defineSignalSpec,
  ewmaSmooth,
  missingInputs,
  variantSweep,
  windowMinObs,
} from '../../src/signals/index.ts';
import { fixtureUniverse } from './fixtures.ts';

describe('signal catalogue (seed 002, methods.md Appendix A item 11)', () => {
  const specs = variantSweep();

  it('has 11 bases × 10 variants = 110 uniquely named specs in the seed order', () => {
    expect(baseSignalSpecs.map((s) => s.name)).toEqual([
      'MOM',
      'MOM6',
      'STR',
      'QRE',
      'VAL',
      'EPS',
      'SHT',
      'LOW',
      'ERN',
      'ACC',
      'AGR',
    ]);
    expect(specs).toHaveLength(110);
    expect(specs.slice(0, 12).map((s) => s.name)).toEqual([...baseSignalSpecs.map((s) => s.name), 'MOM_v1']);
    expect(specs[109]!.name).toBe('AGR_v9');
    checkSpecs(specs, builtinFamilies);
  });

  it('scales lookback and half-life by 1 + 0.5v and keeps the skip', () => {
    const mom3 = specs.find((s) => s.name === 'MOM_v3')!;
    expect([mom3.lookback, mom3.skip, mom3.halfLife]).toEqual([630, 21, 75]);
    const str1 = specs.find((s) => s.name === 'STR_v1')!;
    expect([str1.lookback, str1.halfLife]).toEqual([31, 7]);
  });

  it('no two specs share family, lookback, skip and half-life (the seed has MOM ≡ MOM6_v2)', () => {
    const keys = specs.map((s) => `${s.family}|${s.inputs.join(',')}|${s.lookback}|${s.skip}|${s.halfLife}`);
    expect(new Set(keys).size).toBe(110);
    const mom = specs.find((s) => s.name === 'MOM')!;
    const mom6v2 = specs.find((s) => s.name === 'MOM6_v2')!;
    expect(mom6v2.lookback).toBe(mom.lookback);
    expect(mom6v2.halfLife).not.toBe(mom.halfLife);
  });

  it('QRE is a return-on-equity signal, not a volatility twin of LOW', () => {
    expect(builtinFamilies.get('QRE')!.inputs).toEqual(['roe']);
    expect(builtinFamilies.get('LOW')!.inputs).toEqual(['return']);
  });

  it('refuses bad specs and duplicate or unknown names', () => {
    const base = baseSignalSpecs[0]!;
    expect(() => defineSignalSpec({ ...base, lookback: 0 })).toThrow(InvalidInputError);
    expect(() => defineSignalSpec({ ...base, skip: base.lookback })).toThrow(InvalidInputError);
    expect(() => defineSignalSpec({ ...base, halfLife: -1 })).toThrow(InvalidInputError);
    expect(() => defineSignalSpec({ ...base, name: '1bad' })).toThrow(InvalidInputError);
    expect(() => checkSpecs([base, base], builtinFamilies)).toThrow(/used twice/);
    expect(() => checkSpecs([{ ...base, family: 'NOPE' }], builtinFamilies)).toThrow(/unknown family/);
  });
});

/** Naive twin of the trailing-mean window rule: rows t−lookback+1 … t−skip, ≥ 80 % observed. */
function naiveTrailingMean(
  T: number,
  N: number,
  x: Float64Array,
  lookback: number,
  skip: number,
  sign: number,
): Float64Array {
  const out = new Float64Array(T * N).fill(Number.NaN);
  const W = lookback - skip;
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < N; i++) {
      let s = 0;
      let n = 0;
      for (let u = Math.max(0, t - lookback + 1); u <= t - skip; u++) {
        const v = x[u * N + i]!;
        if (!Number.isNaN(v)) {
          s += v;
          n++;
        }
      }
      if (t - skip >= 0 && n >= windowMinObs(W)) out[t * N + i] = (sign * s) / n;
    }
  }
  return out;
}

function naiveNegStd(T: number, N: number, x: Float64Array, lookback: number): Float64Array {
  const out = new Float64Array(T * N).fill(Number.NaN);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < N; i++) {
      const v: number[] = [];
      for (let u = Math.max(0, t - lookback + 1); u <= t; u++)
        if (!Number.isNaN(x[u * N + i]!)) v.push(x[u * N + i]!);
      if (v.length < Math.max(2, windowMinObs(lookback))) continue;
      const m = v.reduce((a, b) => a + b, 0) / v.length;
      out[t * N + i] = -Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
    }
  }
  return out;
}

describe('built-in families match their definitions (naive twins)', () => {
  const u = fixtureUniverse({ T: 90, N: 7, holes: 0.05, seed: 3 });
  const ctx = buildSignalContext(u, { horizons: [1] });
  const small = (name: string, lookback: number, skip: number) =>
    defineSignalSpec({ ...baseSignalSpecs.find((s) => s.name === name)!, lookback, skip, halfLife: 0 });
  const fieldOf: Record<string, [string, number]> = {
    QRE: ['roe', 1],
    VAL: ['book_to_market', 1],
    EPS: ['eps_revision', 1],
    SHT: ['short_interest', -1],
    ERN: ['earnings_surprise', 1],
    ACC: ['accruals', -1],
    AGR: ['asset_growth', -1],
  };

  const close = (a: Float64Array, b: Float64Array) => {
    for (let k = 0; k < a.length; k++) {
      if (Number.isNaN(b[k]!)) expect(a[k]).toBeNaN();
      else expect(Math.abs(a[k]! - b[k]!)).toBeLessThan(1e-12);
    }
  };

  it('MOM / MOM6: mean log return over t−L+1 … t−skip', () => {
    for (const name of ['MOM', 'MOM6']) {
      const spec = small(name, 30, 5);
      close(
        computeRawSignal(ctx, spec, builtinFamilies),
        naiveTrailingMean(ctx.T, ctx.N, ctx.logReturn, 30, 5, 1),
      );
    }
  });

  it('STR: minus the mean log return over the lookback (the seed ignores it and uses 5 days)', () => {
    const a = computeRawSignal(ctx, small('STR', 12, 0), builtinFamilies);
    close(a, naiveTrailingMean(ctx.T, ctx.N, ctx.logReturn, 12, 0, -1));
    const b = computeRawSignal(ctx, small('STR', 20, 0), builtinFamilies);
    expect(a).not.toEqual(b);
  });

  it('LOW: minus the ddof-1 standard deviation of log returns', () => {
    close(
      computeRawSignal(ctx, small('LOW', 25, 0), builtinFamilies),
      naiveNegStd(ctx.T, ctx.N, ctx.logReturn, 25),
    );
  });

  it('field families: sign × trailing mean of the field over the lookback', () => {
    for (const [name, [field, sign]] of Object.entries(fieldOf)) {
      const spec = small(name, 15, 0);
      close(
        computeRawSignal(ctx, spec, builtinFamilies),
        naiveTrailingMean(ctx.T, ctx.N, u.panels.get(field)!.values, 15, 0, sign),
      );
    }
  });

  it('applies the half-life as EWMA smoothing of the raw signal', () => {
    const spec = small('VAL', 10, 0);
    const raw = computeRawSignal(ctx, spec, builtinFamilies);
    const smoothed = computeRawSignal(ctx, { ...spec, halfLife: 7 }, builtinFamilies);
    close(smoothed, ewmaSmooth(ctx.T, ctx.N, raw, 7));
    expect(smoothed).not.toEqual(raw);
  });

  it('reports the missing fields of a spec instead of computing it', () => {
    const priceOnly = fixtureUniverse({ T: 40, N: 5, fields: [] });
    const c = buildSignalContext(priceOnly, { horizons: [1] });
    const val = baseSignalSpecs.find((s) => s.name === 'VAL')!;
    expect(missingInputs(c, val)).toEqual(['book_to_market']);
    expect(missingInputs(c, baseSignalSpecs[0]!)).toEqual([]);
    expect(() => computeRawSignal(c, val, builtinFamilies)).toThrow(
      /VAL skipped: the universe has no 'book_to_market'/,
    );
  });
});

describe('ewmaSmooth', () => {
  /** Naive twin: Σ λ^k x_{t−k} / Σ λ^k over non-NaN, NaN where x_t is NaN. */
  function naive(x: number[], H: number): number[] {
    const lam = 2 ** (-1 / H);
    return x.map((v, t) => {
      if (Number.isNaN(v)) return Number.NaN;
      let a = 0;
      let b = 0;
      for (let k = 0; k <= t; k++) {
        if (!Number.isNaN(x[t - k]!)) {
          a += lam ** k * x[t - k]!;
          b += lam ** k;
        }
      }
      return a / b;
    });
  }

  it('matches the weighted-mean definition, with NaN gaps', () => {
    const x = [1, 3, Number.NaN, -2, 5, 0.5, Number.NaN, Number.NaN, 4];
    const got = [...ewmaSmooth(x.length, 1, Float64Array.from(x), 3)];
    const want = naive(x, 3);
    got.forEach((g, k) =>
      Number.isNaN(want[k]!) ? expect(g).toBeNaN() : expect(g).toBeCloseTo(want[k]!, 13),
    );
  });

  it('hand case: [1, 3] with H = 1 gives [1, 3.5/1.5]; H = 0 is the identity', () => {
    expect([...ewmaSmooth(2, 1, Float64Array.from([1, 3]), 1)]).toEqual([1, 3.5 / 1.5]);
    expect([...ewmaSmooth(2, 1, Float64Array.from([1, 3]), 0)]).toEqual([1, 3]);
  });

  it('a constant series stays constant', () => {
    expect(
      [...ewmaSmooth(4, 1, Float64Array.from([2, 2, 2, 2]), 5)].every((v) => Math.abs(v - 2) < 1e-15),
    ).toBe(true);
  });
});
