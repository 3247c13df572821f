/**
 * CovarianceWindow: the shared work behind the five estimators of methods.md §5, done once per window.
 *
 * It holds the centred window X (T × p) and, lazily, the pieces the estimators need:
 * - the cross-product of X on its small side — the T × T Gram matrix G = XXᵀ when T ≤ p, else the
 *   p × p matrix XᵀX — and its full eigendecomposition (LW-2020 needs every eigenpair, PCA the top k);
 * - the same for the standardised window Z = X·diag(1/σ) (RMT works on the correlation matrix);
 * - the LW/OAS sufficient statistics tr S₀, ‖S₀‖²_F, Σ_k‖x_k‖⁴, which are O(T²) from G.
 * No p × p matrix is formed when T < p. The raw Gram matrix can be carried from one window to the next
 * (`slide`): only inner products involving new rows are computed, and centring is the O(T²) correction
 * G = H − c1ᵀ/T − 1cᵀ/T + (1ᵀH1/T²)11ᵀ with c = H1 (H the Gram matrix of rows shifted by a fixed reference).
 */
import { InvalidInputError, NotConvergedError } from '../../core/errors.ts';
import type { Panel } from '../../core/panel.ts';
import { dgemm, dsyrk, symmetricEigenAbove, symmetricEigenRows } from '../../linalg/index.ts';
import type { ShrinkageMoments } from '../../stats/shrinkage.ts';
import {
  centreColumns,
  gatherWindow,
  type RawWindow,
  selectWindow,
  type WindowOptions,
  type WindowSelection,
} from './window-extract.ts';

/** Eigenpairs of MᵀM (M = X or Z) computed on M's small side. */
export interface WindowSpectrum {
  /** 'gram': eigenvectors live in T-space (of MMᵀ); 'primal': in p-space (of MᵀM). */
  readonly side: 'gram' | 'primal';
  /** Ascending eigenvalues of the small-side cross-product (equal to the non-zero ones of MᵀM). */
  readonly values: Float64Array;
  /** q × q, row j is the eigenvector of values[j] (q = T on the gram side, p on the primal side). */
  readonly vectorsByRow: Float64Array;
  readonly q: number;
}

/** Sufficient statistics of Ledoit–Wolf 2004 and OAS (methods.md §4–5) on S₀ = XᵀX/T (stats/shrinkage.ts). */
export type ShrinkageStatistics = ShrinkageMoments;

/** A Float64Array on a SharedArrayBuffer (zeroed), so posting it to a worker thread shares it. */
export function sharedFloat64(n: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT * n));
}

/**
 * The Gram matrix of the window's rows shifted by a fixed reference vector, H = RsRsᵀ with Rs = R − 1refᵀ
 * (T × p, kept so that the next window copies the rows both share instead of recomputing them).
 */
interface RawGram {
  readonly H: Float64Array;
  readonly ref: Float64Array;
  readonly Rs: Float64Array;
}

/** A window's centred data and metadata, for rebuilding it in another thread (`shareableParts`). */
export interface WindowParts {
  readonly T: number;
  readonly p: number;
  readonly dates: readonly string[];
  readonly tickers: readonly string[];
  readonly excluded: RawWindow['excluded'];
  readonly droppedDates: readonly string[];
  /** Centred returns, T × p row-major. */
  readonly X: Float64Array;
  readonly mean: Float64Array;
  readonly colSumSq: Float64Array;
  /** The small-side cross-product if it was formed (see `crossProduct`). */
  readonly cross?: Float64Array;
}

export class CovarianceWindow {
  readonly T: number;
  readonly p: number;
  readonly dates: readonly string[];
  readonly tickers: readonly string[];
  readonly excluded: RawWindow['excluded'];
  readonly droppedDates: readonly string[];
  /** Centred returns, T × p row-major. */
  readonly X: Float64Array;
  readonly mean: Float64Array;
  /** Σ_t X_tj² per column (so S₁_jj = colSumSq_j/(T − 1)). */
  readonly colSumSq: Float64Array;
  readonly side: 'gram' | 'primal';
  /** Panel rows and columns of the window and its missing-data policy, for `slide` (absent on `fromParts`). */
  private readonly source: Pick<WindowSelection, 'rows' | 'columns' | 'missing'> | undefined;
  private rawGram: RawGram | undefined;
  private cross: Float64Array | undefined;
  private covSpec: WindowSpectrum | undefined;
  private corrCross: Float64Array | undefined;
  private Z: Float64Array | undefined;

  /**
   * From parts, or from a raw window whose R (on a SharedArrayBuffer) is centred in place and becomes X: the
   * window's returns are copied out of the panel once.
   */
  private constructor(raw: RawWindow | WindowParts, rawGram?: RawGram) {
    this.T = raw.T;
    this.p = raw.p;
    this.dates = raw.dates;
    this.tickers = raw.tickers;
    this.excluded = raw.excluded;
    this.droppedDates = raw.droppedDates;
    this.side = raw.T <= raw.p ? 'gram' : 'primal';
    if ('X' in raw) {
      // already centred elsewhere (`parts()` of another window, e.g. in a worker thread)
      this.source = undefined;
      this.X = raw.X;
      this.mean = raw.mean;
      this.colSumSq = raw.colSumSq;
      this.cross = raw.cross;
      return;
    }
    this.source = { rows: raw.rows, columns: raw.columns, missing: raw.missing };
    this.X = raw.R;
    this.colSumSq = new Float64Array(raw.p);
    this.mean = centreColumns(raw, this.X, this.colSumSq);
    this.rawGram = rawGram;
  }

  /**
   * What another thread needs to rebuild this window with `fromParts` (centred X, moments, and the small-side
   * cross-product when it has been formed). X and the cross-product live on SharedArrayBuffers (copied
   * there only for a window rebuilt from unshared parts), so handing the parts to worker threads shares them.
   */
  shareableParts(): WindowParts {
    const onShared = (a: Float64Array) => {
      if (a.buffer instanceof SharedArrayBuffer) return a;
      const b = sharedFloat64(a.length);
      b.set(a);
      return b;
    };
    return {
      T: this.T,
      p: this.p,
      dates: this.dates,
      tickers: this.tickers,
      excluded: this.excluded,
      droppedDates: this.droppedDates,
      X: onShared(this.X),
      mean: this.mean,
      colSumSq: this.colSumSq,
      ...(this.cross ? { cross: onShared(this.cross) } : {}),
    };
  }

  /** A window rebuilt from `shareableParts()`; it computes what the parts lack, and cannot `slide`. */
  static fromParts(parts: WindowParts): CovarianceWindow {
    return new CovarianceWindow(parts);
  }

  /** The window of `returns` ending at `options.end` (see window-extract.ts for the missing-data policy). */
  static fromPanel(returns: Panel, options: WindowOptions = {}): CovarianceWindow {
    return new CovarianceWindow(gatherShared(returns, selectWindow(returns, options)));
  }

  /** A window on a complete T × p matrix (row-major), e.g. for tests and one-shot use. */
  static fromMatrix(T: number, p: number, R: Float64Array, tickers?: readonly string[]): CovarianceWindow {
    if (R.length !== T * p) {
      throw new InvalidInputError(`returns matrix has length ${R.length}, expected T × p = ${T} × ${p}`);
    }
    const dates = Array.from({ length: T }, (_, t) => String(t));
    const names = tickers ?? Array.from({ length: p }, (_, j) => String(j));
    return CovarianceWindow.fromPanel({ dates, tickers: names, values: R }, { lookback: T, minHistory: 1 });
  }

  /**
   * The window ending at `end` on the same panel, reusing this window's raw Gram inner products for the
   * rows both windows share. Falls back to a fresh window when the stocks differ or on 'impute-mean'.
   */
  slide(returns: Panel, options: WindowOptions): CovarianceWindow {
    const raw = gatherShared(returns, selectWindow(returns, options));
    const { R, ...next } = raw;
    const src = this.source;
    const sameStocks =
      src !== undefined &&
      next.p === this.p &&
      next.columns.every((c, j) => c === src.columns[j]) &&
      next.missing === 'listwise';
    if (!sameStocks || src.missing !== 'listwise' || next.T > next.p) return new CovarianceWindow(raw);
    const prev = this.rawGramMatrix();
    const { T, p } = next;
    const ref = prev.ref;
    // Position of each new row in the old window (−1 for a fresh row), looked up once per row, and the runs
    // of consecutive rows both windows share (usually one: the window moved forward by whole rows).
    const oldPos = new Map<number, number>();
    src.rows.forEach((row, s) => oldPos.set(row, s));
    const from = Int32Array.from(next.rows, (row) => oldPos.get(row) ?? -1);
    const runs = sharedRuns(from);
    const fresh: number[] = [];
    for (let s = 0; s < T; s++) if (from[s]! < 0) fresh.push(s);
    // Shifted rows: those both windows hold are the previous window's (the same numbers), fresh ones are new.
    // When the rows only move towards the start (a forward slide of the same length) and this window owns
    // its shifted rows and raw Gram matrix, both are moved in place and this window gives up its raw Gram
    // (a later `slide` from it recomputes it): no new 8·T·p-byte buffer per slide.
    const Told = this.T;
    const inPlace = T === Told && prev.Rs !== this.X && runs.every(([s, o]) => o >= s);
    if (inPlace) this.rawGram = undefined;
    const Rs = inPlace ? prev.Rs : new Float64Array(T * p);
    for (const [s, o, len] of runs) {
      if (inPlace) Rs.copyWithin(s * p, o * p, (o + len) * p);
      else Rs.set(prev.Rs.subarray(o * p, (o + len) * p), s * p);
    }
    for (const s of fresh) for (let j = 0; j < p; j++) Rs[s * p + j] = R[s * p + j]! - ref[j]!;
    // In ascending order every block lands at or before where it is read from, and after every block
    // already read: moving H in place is safe.
    const H = inPlace ? prev.H : new Float64Array(T * T);
    for (const [a0, oa0, alen] of runs) {
      for (let a = a0, oa = oa0; a < a0 + alen; a++, oa++) {
        for (const [b, ob, len] of runs) {
          if (inPlace) H.copyWithin(a * T + b, oa * Told + ob, oa * Told + ob + len);
          else H.set(prev.H.subarray(oa * Told + ob, oa * Told + ob + len), a * T + b);
        }
      }
    }
    // New rows against every row: one gemm of the fresh rows (f × p) by all rows (T × p)ᵀ. Fresh rows are
    // usually one block at the end of the window, read in place.
    if (fresh.length > 0) {
      const f = fresh.length;
      const block = fresh[f - 1]! - fresh[0]! === f - 1;
      const F = block ? Rs : new Float64Array(f * p);
      if (!block) fresh.forEach((s, r) => F.set(Rs.subarray(s * p, (s + 1) * p), r * p));
      const P = new Float64Array(f * T);
      dgemm(false, true, f, T, p, 1, F, block ? fresh[0]! * p : 0, p, Rs, 0, p, 0, P, 0, T);
      fresh.forEach((s, r) => {
        for (let b = 0; b < T; b++) {
          H[s * T + b] = P[r * T + b]!;
          H[b * T + s] = P[r * T + b]!;
        }
      });
    }
    return new CovarianceWindow(raw, { H, ref, Rs });
  }

  private rawGramMatrix(): RawGram {
    if (this.rawGram) return this.rawGram;
    // The reference shift is this window's mean, so the shifted rows are X itself (R − 1·meanᵀ, the same
    // numbers) and H is the centred Gram up to rounding.
    const ref = this.mean.slice();
    const H = new Float64Array(this.T * this.T);
    dsyrk(true, false, this.T, this.p, 1, this.X, 0, this.p, 0, H, 0, this.T, true);
    this.rawGram = { H, ref, Rs: this.X };
    return this.rawGram;
  }

  /**
   * XᵀX (p × p) on the primal side or XXᵀ (T × T) on the gram side, full symmetric. Shared, do not modify.
   */
  crossProduct(): Float64Array {
    if (this.cross) return this.cross;
    const { T, p } = this;
    if (this.side === 'primal') {
      const C = new Float64Array(p * p);
      dsyrk(true, true, p, T, 1, this.X, 0, p, 0, C, 0, p, true);
      this.cross = C;
      return C;
    }
    const { H } = this.rawGramMatrix();
    const c = new Float64Array(T);
    let total = 0;
    for (let a = 0; a < T; a++) {
      let s = 0;
      for (let b = 0; b < T; b++) s += H[a * T + b]!;
      c[a] = s;
      total += s;
    }
    const G = sharedFloat64(T * T);
    const tt = total / (T * T);
    for (let a = 0; a < T; a++) {
      for (let b = 0; b < T; b++) G[a * T + b] = H[a * T + b]! - c[a]! / T - c[b]! / T + tt;
    }
    this.cross = G;
    return G;
  }

  /** Full eigendecomposition of the small-side cross-product of X (shared by LW-2020 and PCA). */
  covarianceSpectrum(): WindowSpectrum {
    this.covSpec ??= spectrumOf(this.crossProduct(), this.side, this.side === 'gram' ? this.T : this.p);
    return this.covSpec;
  }

  /** σ_j = √(S₁_jj); NaN-free only for columns with variance (a constant column gives 0). */
  sd(): Float64Array {
    const s = new Float64Array(this.p);
    for (let j = 0; j < this.p; j++) s[j] = Math.sqrt(this.colSumSq[j]! / (this.T - 1));
    return s;
  }

  /** Z = X·diag(1/σ), cached (shared by the correlation Gram and RMT's eigenvectors); do not modify. */
  standardisedShared(): Float64Array {
    this.Z ??= this.standardised();
    return this.Z;
  }

  /** Z = X·diag(1/σ), the standardised window (columns with σ = 0 are left at 0), a fresh copy. */
  standardised(): Float64Array {
    const { T, p } = this;
    const inv = new Float64Array(p);
    const sd = this.sd();
    for (let j = 0; j < p; j++) inv[j] = sd[j]! > 0 ? 1 / sd[j]! : 0;
    const Z = new Float64Array(T * p);
    for (let s = 0; s < T; s++) for (let j = 0; j < p; j++) Z[s * p + j] = this.X[s * p + j]! * inv[j]!;
    return Z;
  }

  /** Small-side cross-product of Z (ZZᵀ or ZᵀZ), full symmetric. */
  private correlationCross(): Float64Array {
    if (this.corrCross) return this.corrCross;
    const { T, p } = this;
    const Z = this.standardisedShared();
    const q = this.side === 'gram' ? T : p;
    const C = new Float64Array(q * q);
    dsyrk(true, this.side === 'primal', q, this.side === 'gram' ? p : T, 1, Z, 0, p, 0, C, 0, q, true);
    this.corrCross = C;
    return C;
  }

  /**
   * The eigenpairs of the small-side cross-product of Z whose eigenvalue exceeds `threshold` (the RMT
   * signal set), as a spectrum with values ascending, plus the largest eigenvalue. Only the top of the
   * spectrum matters, so the q × q matrix is tridiagonalised and only those eigenpairs are computed
   * (bisection and inverse iteration, linalg's symmetricEigenAbove): no divide and conquer and no full
   * back-transformation. Should inverse iteration fail, the full eigendecomposition is used instead.
   */
  correlationSignalSpectrum(threshold: number): { readonly signal: WindowSpectrum; readonly top: number } {
    const q = this.side === 'gram' ? this.T : this.p;
    const C = { rows: q, cols: q, data: this.correlationCross() };
    try {
      const { values, vectorsByRow, largest } = symmetricEigenAbove(C, threshold, {
        symmetryTolerance: Number.POSITIVE_INFINITY,
      });
      return {
        signal: { side: this.side, values, vectorsByRow: vectorsByRow.data, q: values.length },
        top: largest,
      };
    } catch (e) {
      if (!(e instanceof NotConvergedError)) throw e;
    }
    const full = spectrumOf(C.data, this.side, q);
    let first = q;
    while (first > 0 && full.values[first - 1]! > threshold) first--;
    return {
      signal: {
        side: this.side,
        values: full.values.slice(first),
        vectorsByRow: full.vectorsByRow.slice(first * q),
        q: q - first,
      },
      top: full.values[q - 1] ?? Number.NaN,
    };
  }

  /** LW/OAS sufficient statistics from the small-side cross-product (methods.md §5, T < p bullets). */
  shrinkageStatistics(): ShrinkageStatistics {
    const { T, p } = this;
    let traceS = 0;
    for (let j = 0; j < p; j++) traceS += this.colSumSq[j]!;
    traceS /= T;
    const M = this.crossProduct();
    const q = this.side === 'gram' ? T : p;
    let frob = 0;
    for (let k = 0; k < q * q; k++) frob += M[k]! * M[k]!;
    let sumRowNorm4 = 0;
    if (this.side === 'gram') {
      for (let s = 0; s < T; s++) sumRowNorm4 += M[s * T + s]! ** 2;
    } else {
      for (let s = 0; s < T; s++) {
        let n2 = 0;
        for (let j = 0; j < p; j++) n2 += this.X[s * p + j]! ** 2;
        sumRowNorm4 += n2 * n2;
      }
    }
    return { T, p, traceS, frobeniusSqS: frob / (T * T), sumRowNorm4 };
  }

  /**
   * p-space eigenvectors (p × k, row-major, unit columns) of MᵀM for the spectrum indices `idx`, where
   * M = X (or Z when `M` is given). Gram side: v_j = Mᵀw_j/√λ_j, one gemm of p·T·k.
   */
  pSpaceVectors(
    spec: WindowSpectrum,
    idx: readonly number[],
    M: Float64Array = this.X,
    out?: Float64Array,
  ): Float64Array {
    const { T, p } = this;
    const k = idx.length;
    if (out && out.length !== p * k) {
      throw new InvalidInputError(
        `output for the p-space vectors has ${out.length} entries, expected ${p * k}`,
      );
    }
    const V = out ?? new Float64Array(p * k);
    if (k === 0) return V;
    if (spec.side === 'primal') {
      for (let c = 0; c < k; c++) {
        const o = idx[c]! * p;
        for (let j = 0; j < p; j++) V[j * k + c] = spec.vectorsByRow[o + j]!;
      }
      return V;
    }
    const W = new Float64Array(k * T);
    for (let c = 0; c < k; c++) {
      const scale = 1 / Math.sqrt(spec.values[idx[c]!]!);
      const o = idx[c]! * T;
      for (let s = 0; s < T; s++) W[c * T + s] = spec.vectorsByRow[o + s]! * scale;
    }
    // V (p × k) = Mᵀ (p × T) · Wᵀ (T × k)
    dgemm(true, true, p, k, T, 1, M, 0, p, W, 0, T, 0, V, 0, k);
    return V;
  }
}

/**
 * The selection's returns gathered onto a SharedArrayBuffer (to be centred in place as the window's X), with
 * the column sums taken in the same pass when the window has no gaps (listwise).
 */
function gatherShared(panel: Panel, sel: WindowSelection): RawWindow {
  const R = sharedFloat64(sel.T * sel.p);
  if (sel.missing !== 'listwise') return { ...sel, R: gatherWindow(panel, sel, R) };
  const colSums = new Float64Array(sel.p);
  return { ...sel, R: gatherWindow(panel, sel, R, colSums), colSums };
}

/** Maximal runs [s, from[s], length] of consecutive rows s with consecutive old positions from[s] ≥ 0. */
function sharedRuns(from: Int32Array): [number, number, number][] {
  const runs: [number, number, number][] = [];
  for (let s = 0; s < from.length; ) {
    if (from[s]! < 0) {
      s++;
      continue;
    }
    let len = 1;
    while (s + len < from.length && from[s + len] === from[s]! + len) len++;
    runs.push([s, from[s]!, len]);
    s += len;
  }
  return runs;
}

function spectrumOf(C: Float64Array, side: 'gram' | 'primal', q: number): WindowSpectrum {
  const { values, vectorsByRow } = symmetricEigenRows(
    { rows: q, cols: q, data: C },
    { symmetryTolerance: Infinity },
  );
  return { side, values, vectorsByRow: vectorsByRow.data, q };
}
