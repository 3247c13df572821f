/**
 * Test helpers: average ranks (scipy `rankdata` default, methods.md §0) and the mean daily rank IC of a signal
 * against the h-day forward return with execution delay d (methods.md §1, §3), computed the slow, plain way.
 */

/** Average ranks (1-based) of `x`; ties share the mean of their positions. */
export function averageRanks(x: readonly number[]): number[] {
  const idx = x.map((_, i) => i).sort((a, b) => x[a]! - x[b]!);
  const ranks = new Array<number>(x.length);
  for (let p = 0; p < idx.length; ) {
    let q = p;
    while (q + 1 < idx.length && x[idx[q + 1]!] === x[idx[p]!]) q++;
    for (let k = p; k <= q; k++) ranks[idx[k]!] = (p + q) / 2 + 1;
    p = q + 1;
  }
  return ranks;
}

export function pearson(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

export function rankIc(s: readonly number[], r: readonly number[]): number {
  const keep: number[] = [];
  for (let i = 0; i < s.length; i++) if (Number.isFinite(s[i]!) && Number.isFinite(r[i]!)) keep.push(i);
  if (keep.length < 3) return Number.NaN;
  return pearson(averageRanks(keep.map((i) => s[i]!)), averageRanks(keep.map((i) => r[i]!)));
}

/**
 * Mean over dates t of rankIC(signal_t, P_{t+d+h}/P_{t+d} − 1), with `signal(t, i)` the value at t. Dates
 * without a finite IC are skipped; also returns how many dates were used.
 */
export function meanRankIc(
  close: Float64Array,
  T: number,
  N: number,
  signal: (t: number, i: number) => number,
  h: number,
  d = 1,
  firstT = 0,
): { mean: number; n: number; series: number[] } {
  const series: number[] = [];
  for (let t = firstT; t + d + h < T; t++) {
    const s: number[] = [];
    const r: number[] = [];
    for (let i = 0; i < N; i++) {
      s.push(signal(t, i));
      r.push(close[(t + d + h) * N + i]! / close[(t + d) * N + i]! - 1);
    }
    const ic = rankIc(s, r);
    if (Number.isFinite(ic)) series.push(ic);
  }
  return { mean: series.reduce((a, b) => a + b, 0) / series.length, n: series.length, series };
}
