import { describe, expect, it } from 'vitest';
import { generateSyntheticMarket } from '../../src/data/synthetic/index.ts';
import {
  compositeAlphaPanel,
  compositeCheckpointRows,
  runResearch,
  runSignalTier,
  type SignalTierResult,
} from '../../src/research/index.ts';
import { loadFamilies } from '../../src/research/signal-task.ts';
import { signalTaskGroups } from '../../src/research/tier.ts';
import {
  baseSignalSpecs,
  defineSignalSpec,
  neutralizedSignal,
  rawStateLength,
  type SignalSpec,
} from '../../src/signals/index.ts';
import { fixtureUniverse, sameBits } from '../signals/fixtures.ts';

const noiseModule = new URL('./fixtures/noise-family.ts', import.meta.url);
const shortSpecs: SignalSpec[] = [
  // Distinct short windows per family (MOM and MOM6 with equal parameters would be exact duplicates).
  ...baseSignalSpecs.map((s, j) =>
    defineSignalSpec({ ...s, lookback: (s.skip > 0 ? 40 : 20) + j, skip: s.skip > 0 ? 5 : 0, halfLife: 5 }),
  ),
  defineSignalSpec({
    name: 'NOISE',
    family: 'NOISE',
    description: 'noise',
    inputs: [],
    lookback: 7,
    skip: 0,
    halfLife: 0,
  }),
];
const small = {
  specs: shortSpecs,
  familyModules: [noiseModule],
  ic: { minCoverage: 20, minBucketSize: 3 },
  minIcObs: 20,
  snapshots: { start: 60, every: 15 },
};

describe('runSignalTier', () => {
  const universe = fixtureUniverse({ T: 220, N: 40, holes: 0.01, seed: 31 });

  it('is bit-identical on the inline and threads backends with 2 and 3 workers', async () => {
    const runs = [
      await runSignalTier(universe, { ...small, backend: 'inline' }),
      await runSignalTier(universe, { ...small, backend: 'threads', workers: 2 }),
      await runSignalTier(universe, { ...small, backend: 'threads', workers: 3 }),
    ];
    const ref = runs[0]!;
    expect(ref.signals.every((s) => s.status === 'ok')).toBe(true);
    for (const r of runs.slice(1)) {
      expect(r.signals.map((s) => s.hash)).toEqual(ref.signals.map((s) => s.hash));
      r.signals.forEach((s, j) => {
        s.accumulations.forEach((a, hi) => {
          const b = ref.signals[j]!.accumulations[hi]!;
          expect([...a.ic]).toEqual([...b.ic]);
          expect([...a.spread]).toEqual([...b.spread]);
          expect([...a.lagIcSum]).toEqual([...b.lagIcSum]);
          expect([...a.lsSum]).toEqual([...b.lsSum]);
        });
      });
      expect(r.table.map((x) => x.tNw)).toEqual(ref.table.map((x) => x.tNw));
      expect([...r.snapshots.values]).toEqual([...ref.snapshots.values]);
    }
    const w = Float64Array.from(shortSpecs, (_, j) => (j % 4 === 0 ? 0.25 * (j % 8 === 0 ? 1 : -1) : 0));
    const a = await compositeAlphaPanel(ref, w, { backend: 'inline' });
    const b = await compositeAlphaPanel(ref, w, { backend: 'threads', workers: 2, blocksPerWorker: 3 });
    expect([...b]).toEqual([...a]);
    expect(a.some((v) => !Number.isNaN(v) && v !== 0)).toBe(true);
    // The panel is Σ_j w_j z_j over the neutralised signals in signal order (NaN → 0 only where some signal
    // exists).
    const loaded = await loadFamilies([noiseModule.href]);
    const z = shortSpecs.map((s) => neutralizedSignal(ref.context, s, loaded));
    let checked = 0;
    for (let c = 0; c < a.length; c++) {
      let sum = Number.NaN;
      w.forEach((wj, j) => {
        const v = z[j]![c]!;
        if (wj !== 0 && !Number.isNaN(v)) sum = (Number.isNaN(sum) ? 0 : sum) + wj * v;
      });
      if (Number.isNaN(sum)) expect(a[c]).toBeNaN();
      else {
        expect(Math.abs(a[c]! - sum)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(sum)));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('gives the same bits for any lockstep size, backend and worker count', async () => {
    const rows = [50, 120];
    const opts = { ...small, rawCheckpoints: rows };
    const runs = [
      await runSignalTier(universe, { ...opts, backend: 'inline', lockstep: 1 }),
      await runSignalTier(universe, { ...opts, backend: 'inline', lockstep: 5 }),
      await runSignalTier(universe, { ...opts, backend: 'threads', workers: 2 }),
      await runSignalTier(universe, { ...opts, backend: 'threads', workers: 3, lockstep: 3 }),
    ];
    const ref = runs[0]!;
    expect(ref.signals.every((s) => s.status === 'ok')).toBe(true);
    for (const r of runs.slice(1)) expect(sameTier(r, ref)).toBe(true);
    // Non-vacuity: another signal's outputs in a slot differ.
    const swapped = { ...ref, signals: [ref.signals[1]!, ref.signals[0]!, ...ref.signals.slice(2)] };
    expect(sameTier(swapped, ref)).toBe(false);
    // Skipped specs inside a group keep their places.
    const priceOnly = fixtureUniverse({ T: 120, N: 30, fields: [] });
    const p = await runSignalTier(priceOnly, { ...small, specs: shortSpecs.slice(0, 8), lockstep: 8 });
    expect(p.signals.map((s) => s.name)).toEqual(shortSpecs.slice(0, 8).map((s) => s.name));
    expect(p.signals.map((s) => s.status)).toEqual([
      'ok',
      'ok',
      'ok',
      'skipped',
      'skipped',
      'skipped',
      'skipped',
      'ok',
    ]);
  });

  it('groups the specs into consecutive tasks of at most k, smaller at the end', () => {
    for (const [count, k, workers] of [
      [110, 4, 2],
      [11, 4, 3],
      [7, 1, 2],
      [1, 8, 2],
      [0, 4, 2],
    ] as const) {
      const tasks = signalTaskGroups(count, k, workers);
      expect(tasks.flatMap((t) => Array.from({ length: t.count }, (_, j) => t.first + j))).toEqual(
        Array.from({ length: count }, (_, j) => j),
      );
      expect(tasks.every((t) => t.count >= 1 && t.count <= k)).toBe(true);
      for (let i = 1; i < tasks.length; i++) expect(tasks[i]!.count).toBeLessThanOrEqual(tasks[i - 1]!.count);
    }
    expect(
      signalTaskGroups(110, 4, 2)
        .slice(0, 20)
        .every((t) => t.count === 4),
    ).toBe(true);
    expect(signalTaskGroups(110, 4, 2).at(-1)!.count).toBe(1);
    expect(() => signalTaskGroups(10, 0, 2)).toThrow(/lockstep/);
  });

  it('composite blocks resumed from the raw states the tier saved equal blocks that re-stream the history', async () => {
    const opts = { backend: 'threads', workers: 2, blocksPerWorker: 3 } as const;
    const rows = compositeCheckpointRows(220, opts);
    expect(rows).toEqual([37, 74, 111, 148, 185]);
    const plain = await runSignalTier(universe, { ...small, backend: 'inline' });
    const saved = await runSignalTier(universe, {
      ...small,
      backend: 'threads',
      workers: 2,
      rawCheckpoints: rows,
    });
    expect([...saved.rawCheckpoints.rows]).toEqual(rows);
    expect(plain.rawCheckpoints.states.length).toBe(0);
    expect(saved.signals.map((s) => s.hash)).toEqual(plain.signals.map((s) => s.hash));
    const w = Float64Array.from(shortSpecs, (_, j) => (j % 3 === 0 ? 0.2 * (j % 2 === 0 ? 1 : -1) : 0));
    const reference = await compositeAlphaPanel(plain, w, { backend: 'inline' });
    const resumed = await compositeAlphaPanel(saved, w, opts);
    expect(sameBits(resumed, reference)).toBe(true);
    // Non-vacuity: the blocks do read the saved states (a perturbed EWMA numerator moves the panel).
    const states = saved.rawCheckpoints.states.slice();
    for (let k = 4 * 40; k < states.length; k += rawStateLength(40)) states[k] = states[k]! + 1;
    const wrong = await compositeAlphaPanel(
      { ...saved, rawCheckpoints: { rows: saved.rawCheckpoints.rows, states } },
      w,
      opts,
    );
    expect(sameBits(wrong, reference)).toBe(false);
    expect(() => compositeCheckpointRows(220, { backend: 'inline' })).not.toThrow();
    expect(compositeCheckpointRows(220, { backend: 'inline' })).toEqual([]);
    await expect(runSignalTier(universe, { ...small, rawCheckpoints: [0] })).rejects.toThrow(
      /raw checkpoints/,
    );
  });

  it('reports exact duplicates by name and skips signals whose fields are missing', async () => {
    const twin = defineSignalSpec({ ...shortSpecs[0]!, name: 'MOM_copy' });
    const r = await runSignalTier(universe, { ...small, specs: [...shortSpecs, twin] });
    expect(r.duplicates).toHaveLength(1);
    expect(r.duplicates[0]!.names).toEqual(['MOM', 'MOM_copy']);
    expect(r.notes.some((n) => n.includes('MOM ≡ MOM_copy'))).toBe(true);

    const priceOnly = fixtureUniverse({ T: 120, N: 30, fields: [] });
    const p = await runSignalTier(priceOnly, { ...small, specs: shortSpecs.slice(0, 5) });
    expect(p.signals.map((s) => s.status)).toEqual(['ok', 'ok', 'ok', 'skipped', 'skipped']);
    expect(p.notes).toContain("signal QRE skipped: the universe has no 'roe' field");
    expect(p.notes).toContain("signal VAL skipped: the universe has no 'book_to_market' field");
  });

  it('the snapshot rows hold the neutralised cross-sections of those dates', async () => {
    const r = await runSignalTier(universe, { ...small, specs: shortSpecs.slice(0, 2) });
    const { rows, values } = r.snapshots;
    expect([...rows]).toEqual(Array.from({ length: Math.ceil((220 - 60) / 15) }, (_, k) => 60 + 15 * k));
    const { neutralizedSignal, builtinFamilies } = await import('../../src/signals/index.ts');
    const z = neutralizedSignal(r.context, shortSpecs[1]!, builtinFamilies);
    rows.forEach((t, k) => {
      expect([...values.subarray((rows.length + k) * 40, (rows.length + k + 1) * 40)]).toEqual([
        ...z.subarray(t * 40, (t + 1) * 40),
      ]);
    });
  });
});

describe('research on the synthetic market', () => {
  it('momentum has a significantly positive Newey–West t at 21 days; pure noise does not', async () => {
    const { universe } = generateSyntheticMarket({ stocks: 300, days: 900, seed: 7 });
    const specs = [
      ...baseSignalSpecs.filter((s) => s.name === 'MOM' || s.name === 'MOM6'),
      defineSignalSpec({
        name: 'NOISE',
        family: 'NOISE',
        description: 'noise',
        inputs: [],
        lookback: 3,
        skip: 0,
        halfLife: 0,
      }),
    ];
    const r = await runResearch(universe, {
      specs,
      familyModules: [noiseModule],
      horizons: [5, 21],
      ic: { minCoverage: 150 },
      compositePanel: true,
      walkForward: true,
    });
    const at21 = (name: string) => r.tier.table.find((x) => x.signal === name && x.horizon === 21)!;
    expect(at21('MOM').n).toBeGreaterThan(300);
    expect(at21('MOM').tNw).toBeGreaterThan(2);
    expect(at21('MOM6').tNw).toBeGreaterThan(2);
    expect(Math.abs(at21('NOISE').tNw)).toBeLessThan(2);
    expect(at21('MOM').meanIc).toBeGreaterThan(0);
    expect(at21('MOM').meanIc).toBeLessThan(0.15);
    // The weights favour momentum over noise; the composite exists where signals do.
    const w = r.weights!;
    expect(Math.abs(w.weights[2]!)).toBeLessThan(Math.max(Math.abs(w.weights[0]!), Math.abs(w.weights[1]!)));
    expect(w.inSample).toBe(true);
    expect(r.composite!.some((v) => !Number.isNaN(v))).toBe(true);
    expect(r.walkForwardComposite!.length).toBe(r.tier.snapshots.rows.length * 300);
  });
});

/** Every output of two tier runs, Object.is on every number: hashes, accumulations, statistics, snapshots, raw states. */
function sameTier(a: SignalTierResult, b: SignalTierResult): boolean {
  const same = (x: ArrayLike<number>, y: ArrayLike<number>) =>
    x.length === y.length && Array.from(x).every((v, k) => Object.is(v, y[k]));
  const sameValue = (x: unknown, y: unknown): boolean =>
    typeof x === 'number'
      ? Object.is(x, y)
      : Array.isArray(x)
        ? Array.isArray(y) && x.length === y.length && x.every((v, k) => sameValue(v, y[k]))
        : x === y;
  if (a.signals.length !== b.signals.length) return false;
  const signalsSame = a.signals.every((s, j) => {
    const t = b.signals[j]!;
    if (s.name !== t.name || s.status !== t.status || s.hash !== t.hash) return false;
    if (s.accumulations.length !== t.accumulations.length || s.stats.length !== t.stats.length) return false;
    const accSame = s.accumulations.every((x, hi) => {
      const y = t.accumulations[hi]!;
      return (['ic', 'icStocks', 'spread', 'lagIcSum', 'lagIcCount', 'lsSum', 'lsCount'] as const).every(
        (k) => same(x[k], y[k]),
      );
    });
    const statsSame = s.stats.every((x, k) => {
      const y = t.stats[k]! as unknown as Record<string, unknown>;
      return Object.entries(x).every(([key, v]) => sameValue(v, y[key]));
    });
    return accSame && statsSame;
  });
  return (
    signalsSame &&
    same(a.snapshots.values, b.snapshots.values) &&
    same(a.rawCheckpoints.states, b.rawCheckpoints.states) &&
    a.notes.join('\n') === b.notes.join('\n')
  );
}
