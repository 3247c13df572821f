/**
 * Base kernels of the feature calculators on date-major panels (`x[t·N + i]`, architecture.md §3). Time runs
 * in the outer loop and tickers in the inner loop, so every pass streams through contiguous memory and keeps
 * one state slot per ticker. Kernels neither allocate nor validate (style.md habit 1); the calculators call
 * them with the right shapes. Every kernel is causal: out[t] reads x[s] for s ≤ t only, which is what the
 * no-look-ahead property tests check (methods.md §10).
 *
 * NaN policy: a rolling statistic over a window of w bars is NaN unless all w inputs are finite (complete
 * windows only, no partial windows at the start or across gaps). Recursive averages (EMA, Wilder) restart
 * after a NaN and are seeded again by the simple mean of the first n finite inputs (TA-Lib's convention).
 */

/**
 * out[t,i] = Σ_{s=t−w+1..t} x[s,i] when all w values are finite, else NaN. `acc` and `bad` are N-long
 * scratch (running sum and count of non-finite values in the window). `out` may not alias `x`.
 */
export function rollingSumCompleteDateMajor(
  x: Float64Array,
  T: number,
  N: number,
  w: number,
  out: Float64Array,
  acc: Float64Array,
  bad: Int32Array,
): void {
  acc.fill(0, 0, N);
  bad.fill(0, 0, N);
  for (let t = 0; t < T; t++) {
    const row = t * N;
    const old = (t - w) * N;
    for (let i = 0; i < N; i++) {
      const v = x[row + i]!;
      if (Number.isFinite(v)) acc[i]! += v;
      else bad[i]!++;
      if (t >= w) {
        const u = x[old + i]!;
        if (Number.isFinite(u)) acc[i]! -= u;
        else bad[i]!--;
      }
      out[row + i] = t >= w - 1 && bad[i] === 0 ? acc[i]! : Number.NaN;
    }
  }
}

/**
 * Exponential average with smoothing α, seeded by the mean of the first n finite inputs (TA-Lib EMA and
 * Wilder smoothing): out = NaN during the n − 1 warm-up bars, then m_t = α·x_t + (1 − α)·m_{t−1}. A NaN input
 * gives NaN and restarts the warm-up. α = 2/(n + 1) is the EMA, α = 1/n Wilder's average (RSI, ATR, ADX).
 * `len`, `acc`, `m` are N-long scratch. `out` may alias `x`.
 */
export function expAverageSeededDateMajor(
  x: Float64Array,
  T: number,
  N: number,
  n: number,
  alpha: number,
  out: Float64Array,
  len: Int32Array,
  acc: Float64Array,
  m: Float64Array,
): void {
  len.fill(0, 0, N);
  acc.fill(0, 0, N);
  for (let t = 0; t < T; t++) {
    const row = t * N;
    for (let i = 0; i < N; i++) {
      const v = x[row + i]!;
      if (!Number.isFinite(v)) {
        len[i] = 0;
        acc[i] = 0;
        out[row + i] = Number.NaN;
        continue;
      }
      const k = ++len[i]!;
      if (k < n) {
        acc[i]! += v;
        out[row + i] = Number.NaN;
      } else if (k === n) {
        const seed = (acc[i]! + v) / n;
        m[i] = seed;
        out[row + i] = seed;
      } else {
        const next = alpha * v + (1 - alpha) * m[i]!;
        m[i] = next;
        out[row + i] = next;
      }
    }
  }
}

/**
 * Rolling maximum (sign = +1) or minimum (sign = −1) over complete windows of w bars, per ticker with a
 * monotone deque (O(1) amortised per value). Walks each ticker's strided column; `dq` is w-long scratch.
 */
export function rollingExtremeCompleteDateMajor(
  x: Float64Array,
  T: number,
  N: number,
  w: number,
  sign: 1 | -1,
  out: Float64Array,
  dq: Int32Array,
): void {
  for (let i = 0; i < N; i++) {
    let head = 0;
    let size = 0;
    let lastBad = -1;
    for (let t = 0; t < T; t++) {
      const v = x[t * N + i]!;
      if (!Number.isFinite(v)) {
        lastBad = t;
        size = 0;
        out[t * N + i] = Number.NaN;
        continue;
      }
      // Indices enter in increasing order, so at most the front one leaves the window per bar.
      if (size > 0 && dq[head]! <= t - w) {
        head = (head + 1) % w;
        size--;
      }
      while (size > 0 && sign * x[dq[(head + size - 1) % w]! * N + i]! <= sign * v) size--;
      dq[(head + size) % w] = t;
      size++;
      out[t * N + i] = t - lastBad >= w ? x[dq[head]! * N + i]! : Number.NaN;
    }
  }
}

/**
 * Rolling Pearson correlation and OLS beta of each ticker's x[·,i] on a common series y over complete windows
 * of w bars (both finite on all w bars). corr = Sxy/√(Sxx·Syy), beta = Sxy/Syy on demeaned sums; a window
 * whose variance is ≤ 1e-12 × its mean square (methods.md §0) gives NaN. Either output may be null.
 * Scratch: five N-long Float64Arrays and one Int32Array.
 */
export function rollingCorrBetaOnSeriesDateMajor(
  x: Float64Array,
  y: Float64Array,
  T: number,
  N: number,
  w: number,
  corr: Float64Array | null,
  beta: Float64Array | null,
  sx: Float64Array,
  sy: Float64Array,
  sxx: Float64Array,
  syy: Float64Array,
  sxy: Float64Array,
  bad: Int32Array,
): void {
  sx.fill(0, 0, N);
  sy.fill(0, 0, N);
  sxx.fill(0, 0, N);
  syy.fill(0, 0, N);
  sxy.fill(0, 0, N);
  bad.fill(0, 0, N);
  for (let t = 0; t < T; t++) {
    const row = t * N;
    const yt = y[t]!;
    const yOld = t >= w ? y[t - w]! : 0;
    for (let i = 0; i < N; i++) {
      const v = x[row + i]!;
      if (Number.isFinite(v) && Number.isFinite(yt)) {
        sx[i]! += v;
        sy[i]! += yt;
        sxx[i]! += v * v;
        syy[i]! += yt * yt;
        sxy[i]! += v * yt;
      } else bad[i]!++;
      if (t >= w) {
        const u = x[row - w * N + i]!;
        if (Number.isFinite(u) && Number.isFinite(yOld)) {
          sx[i]! -= u;
          sy[i]! -= yOld;
          sxx[i]! -= u * u;
          syy[i]! -= yOld * yOld;
          sxy[i]! -= u * yOld;
        } else bad[i]!--;
      }
      let c = Number.NaN;
      let b = Number.NaN;
      if (t >= w - 1 && bad[i] === 0) {
        const vx = sxx[i]! - (sx[i]! * sx[i]!) / w;
        const vy = syy[i]! - (sy[i]! * sy[i]!) / w;
        const cxy = sxy[i]! - (sx[i]! * sy[i]!) / w;
        const okX = vx > 1e-12 * sxx[i]!;
        const okY = vy > 1e-12 * syy[i]!;
        if (okY) b = cxy / vy;
        if (okX && okY) c = Math.max(-1, Math.min(1, cxy / Math.sqrt(vx * vy)));
      }
      if (corr) corr[row + i] = c;
      if (beta) beta[row + i] = b;
    }
  }
}

/** out[t,i] = x[t,i] / x[t−k,i] − 1 (NaN for t < k, non-finite inputs or a non-positive base). */
export function laggedRatioMinusOneDateMajor(
  x: Float64Array,
  T: number,
  N: number,
  k: number,
  out: Float64Array,
): void {
  for (let t = 0; t < T; t++) {
    const row = t * N;
    for (let i = 0; i < N; i++) {
      if (t < k) {
        out[row + i] = Number.NaN;
        continue;
      }
      const a = x[row + i]!;
      const b = x[row - k * N + i]!;
      out[row + i] = b > 0 && Number.isFinite(a) && Number.isFinite(b) ? a / b - 1 : Number.NaN;
    }
  }
}

/** out = a / b − 1 cell by cell (NaN unless both finite and b > 0). `out` may alias either input. */
export function ratioMinusOne(a: Float64Array, b: Float64Array, out: Float64Array): void {
  for (let k = 0; k < out.length; k++) {
    const x = a[k]!;
    const y = b[k]!;
    out[k] = y > 0 && Number.isFinite(x) && Number.isFinite(y) ? x / y - 1 : Number.NaN;
  }
}

/** out = a / b cell by cell (NaN unless both finite and b ≠ 0). `out` may alias either input. */
export function ratio(a: Float64Array, b: Float64Array, out: Float64Array): void {
  for (let k = 0; k < out.length; k++) {
    const x = a[k]!;
    const y = b[k]!;
    out[k] = y !== 0 && Number.isFinite(x) && Number.isFinite(y) ? x / y : Number.NaN;
  }
}
