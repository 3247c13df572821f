/**
 * Frisch–Waugh–Lovell cross-sectional neutralisation (methods.md §2).
 *
 * For one date, the residual of s on X = [D, Z] (D one-hot groups, no intercept; Z the K continuous
 * regressors) is e = M_D s − P_{Z̃} M_D s with Z̃ = M_D Z: demean within group, then remove the projection on
 * the demeaned regressors. Everything that does not depend on s — the complete-case rows, group sizes and
 * an orthonormal basis Q of col(Z̃) from a column-pivoted modified Gram–Schmidt with re-orthogonalisation —
 * is computed once per date in the constructor, so applying it to one of the ~110 signals costs O(N·K).
 *
 * Rank deficiency (a regressor constant within every group, collinear regressors, N ≤ G + K) only drops
 * dependent columns of Z̃ from Q; the residual is still the projection onto col(X)^⊥. If N − rank(X) < 2 the
 * date is skipped and every output is NaN.
 */
import { InvalidInputError } from '../core/errors.ts';
import { checkSameLength, outputArray } from './checks.ts';
import { checkGroups } from './crossSection.ts';

export interface ResidualizerOptions {
  /**
   * A demeaned regressor whose part orthogonal to the previously kept ones has norm ≤ rankTolerance × its
   * centred norm counts as dependent. Default 1e-10.
   */
  readonly rankTolerance?: number;
}

/** Coefficients of the full regression s = Dγ + Zδ + e. */
export interface ResidualizerFit {
  /** Residuals e (NaN off the complete-case rows, or everywhere if the date is skipped). */
  readonly residuals: Float64Array;
  /** δ̂ per regressor; a column found dependent gets 0 (a basic solution: the residual does not depend on it). */
  readonly delta: Float64Array;
  /** γ̂_g = mean over group g of (s − Zδ̂); NaN for groups with no complete-case row. */
  readonly gamma: Float64Array;
  /** rank(X) = non-empty groups + independent demeaned regressors. */
  readonly rank: number;
  /** Complete-case row count N_t. */
  readonly count: number;
}

const DEFAULT_RANK_TOLERANCE = 1e-10;
/** Roundoff floor of within-group demeaning relative to the largest |z| (≈ 45 ulp). */
const DEMEAN_ROUNDOFF = 1e-14;

/**
 * The precomputed pieces of a residualiser, for fused kernels that apply it without checks (signals/
 * neutralize.ts). Read-only views of internal arrays: never write to them.
 */
export interface ResidualizerBasis {
  /** Complete-case rows, increasing, and the group of each. */
  readonly rows: Int32Array;
  readonly rowGroup: Int32Array;
  /** Rows that are not complete cases. */
  readonly incompleteRows: Int32Array;
  /** 1/|group| over the complete-case rows (0 for an empty group). */
  readonly invGroupSize: Float64Array;
  /** Orthonormal basis of col(M_D Z) over `rows` (r ≤ K vectors of length N_t). */
  readonly q: readonly Float64Array[];
}

export class CrossSectionResidualizer {
  /** Number of stocks N (length of every input). */
  readonly size: number;
  readonly groups: Int32Array;
  readonly nGroups: number;
  readonly regressors: readonly Float64Array[];
  /** Indices of the complete-case rows (group ≥ 0, every regressor non-NaN). */
  readonly rows: Int32Array;
  /** rank(X); the residual has N_t − rank degrees of freedom. */
  readonly rank: number;
  /** True when N_t − rank(X) < 2: every output is NaN. */
  readonly skipped: boolean;
  private readonly options: ResidualizerOptions;
  private readonly rowMask: Uint8Array;
  /** 1/size of each group over the complete-case rows (0 for empty groups). */
  private readonly invGroupSize: Float64Array;
  /** Orthonormal basis of col(Z̃): r vectors of length N_t over `rows`. */
  private readonly q: Float64Array[];
  /** Column-pivoted R: R[j][k] = q_j · z̃_k for j < r, k < K. */
  private readonly rFactor: Float64Array[];
  private readonly pivots: Int32Array;
  private readonly groupSums: Float64Array;
  /** Group id of each complete-case row (compacted like `rows`). */
  private readonly rowGroup: Int32Array;
  /** Rows that are not complete cases (always NaN output). */
  private readonly incompleteRows: Int32Array;
  private readonly sTilde: Float64Array;
  /** c_j = q_j · M_D s of the last apply (scratch, length r). */
  private readonly projections: Float64Array;

  /**
   * Precomputes the date's neutralisation for `groups` (ids in [0, nGroups), −1 = none) and K regressor
   * columns (each of length N; NaN = missing). Throws InvalidInputError on mismatched lengths or bad ids.
   */
  constructor(
    groups: Int32Array,
    nGroups: number,
    regressors: readonly Float64Array[],
    options: ResidualizerOptions = {},
  ) {
    checkGroups(groups, nGroups);
    regressors.forEach((z, k) => checkSameLength('groups', groups, `regressors[${k}]`, z));
    const tol = options.rankTolerance ?? DEFAULT_RANK_TOLERANCE;
    if (!(tol >= 0 && tol < 1)) {
      throw new InvalidInputError(`rankTolerance must be in [0, 1), got ${tol}`, {
        where: { field: 'rankTolerance' },
      });
    }
    const n = groups.length;
    const K = regressors.length;
    // One pass: the complete-case mask, the rows with their groups, the other rows and the group sizes.
    const mask = new Uint8Array(n);
    const rowsAll = new Int32Array(n);
    const groupAll = new Int32Array(n);
    const incompleteAll = new Int32Array(n);
    const inv = new Float64Array(nGroups);
    let count = 0;
    let missing = 0;
    for (let i = 0; i < n; i++) {
      const g = groups[i]!;
      let ok = g >= 0;
      for (let k = 0; ok && k < K; k++) ok = !Number.isNaN(regressors[k]![i]!);
      if (ok) {
        mask[i] = 1;
        rowsAll[count] = i;
        groupAll[count++] = g;
        inv[g]!++;
      } else incompleteAll[missing++] = i;
    }
    this.size = n;
    this.groups = groups;
    this.nGroups = nGroups;
    this.regressors = regressors;
    this.options = options;
    this.rowMask = mask;
    this.groupSums = new Float64Array(nGroups);
    this.invGroupSize = inv;
    this.rows = rowsAll.slice(0, count);
    this.rowGroup = groupAll.slice(0, count);
    this.incompleteRows = incompleteAll.slice(0, missing);
    this.sTilde = new Float64Array(count);
    let nonEmpty = 0;
    for (let g = 0; g < nGroups; g++) {
      const c = inv[g]!;
      if (c > 0) nonEmpty++;
      inv[g] = c > 0 ? 1 / c : 0;
    }
    const { q, rFactor, pivots } = this.orthonormalBasis(tol);
    this.q = q;
    this.rFactor = rFactor;
    this.pivots = pivots;
    this.projections = new Float64Array(q.length);
    this.rank = nonEmpty + q.length;
    this.skipped = count - this.rank < 2;
  }

  /**
   * Column-pivoted modified Gram–Schmidt (twice) on the demeaned regressors. The passes are fused (decision
   * 025, round 3) without changing any operation or the order of any sum: the gather of z over the rows
   * carries the group sums, the mean and max |z|; the demeaning pass carries the centred sum of squares and
   * the first pivot norms; the normalisation carries the first projection's dot, each first update the
   * second dot, each second update the next pivot norm. Each accumulator still adds its terms in row order.
   */
  private orthonormalBasis(tol: number): { q: Float64Array[]; rFactor: Float64Array[]; pivots: Int32Array } {
    const K = this.regressors.length;
    const rows = this.rows;
    const rowGroup = this.rowGroup;
    const m = rows.length;
    const sums = this.groupSums;
    const inv = this.invGroupSize;
    const w: Float64Array[] = [];
    const threshold = new Float64Array(K);
    /** ‖w_k‖² of the columns not yet pivoted, kept current by the last pass over each. */
    const norm2 = new Float64Array(K);
    for (let k = 0; k < K; k++) {
      const z = this.regressors[k]!;
      const wk = new Float64Array(m);
      sums.fill(0);
      let mean = 0;
      let maxAbs = 0;
      for (let j = 0; j < m; j++) {
        const v = z[rows[j]!]!;
        wk[j] = v;
        sums[rowGroup[j]!]! += v;
        mean += v;
        if (Math.abs(v) > maxAbs) maxAbs = Math.abs(v);
      }
      for (let g = 0; g < sums.length; g++) sums[g] = sums[g]! * inv[g]!;
      mean /= m;
      let centred = 0;
      let ss = 0;
      for (let j = 0; j < m; j++) {
        const v = wk[j]!;
        centred += (v - mean) ** 2;
        // M_D z: a singleton group gives v − v/1 = exactly 0.
        const d = v - sums[rowGroup[j]!]!;
        wk[j] = d;
        ss += d * d;
      }
      w.push(wk);
      norm2[k] = ss;
      threshold[k] = tol * Math.sqrt(centred) + DEMEAN_ROUNDOFF * Math.sqrt(m) * maxAbs;
    }
    const q: Float64Array[] = [];
    const rFactor: Float64Array[] = [];
    const pivotList: number[] = [];
    const remaining: number[] = Array.from({ length: K }, (_, k) => k);
    while (remaining.length > 0 && m > 0) {
      let best = -1;
      let bestRatio = 1;
      let bestNorm = 0;
      for (const k of remaining) {
        const norm = Math.sqrt(norm2[k]!);
        const ratio = norm / threshold[k]!;
        // `ratio > 1` also rejects an exactly zero column (0/0 = NaN).
        if (ratio > bestRatio) {
          bestRatio = ratio;
          best = k;
          bestNorm = norm;
        }
      }
      if (best < 0) break;
      remaining.splice(remaining.indexOf(best), 1);
      const qj = w[best]!;
      const rj = new Float64Array(K);
      rj[best] = bestNorm;
      // Project q_j out of the remaining columns twice ("twice is enough", Giraud et al. 2005).
      for (let r = 0; r < remaining.length || r === 0; r++) {
        const k = remaining[r];
        if (k === undefined) {
          for (let j = 0; j < m; j++) qj[j] = qj[j]! / bestNorm;
          break;
        }
        const wk = w[k]!;
        let dot1 = 0;
        if (r === 0) {
          for (let j = 0; j < m; j++) {
            const x = qj[j]! / bestNorm;
            qj[j] = x;
            dot1 += x * wk[j]!;
          }
        } else for (let j = 0; j < m; j++) dot1 += qj[j]! * wk[j]!;
        let dot2 = 0;
        for (let j = 0; j < m; j++) {
          const x = wk[j]! - dot1 * qj[j]!;
          wk[j] = x;
          dot2 += qj[j]! * x;
        }
        let ss = 0;
        for (let j = 0; j < m; j++) {
          const x = wk[j]! - dot2 * qj[j]!;
          wk[j] = x;
          ss += x * x;
        }
        norm2[k] = ss;
        rj[k] = rj[k]! + dot1 + dot2;
      }
      q.push(qj);
      rFactor.push(rj);
      pivotList.push(best);
    }
    return { q, rFactor, pivots: Int32Array.from(pivotList) };
  }

  /** The precomputed basis (see {@link ResidualizerBasis}); `skipped` says whether it may be applied. */
  basis(): ResidualizerBasis {
    return {
      rows: this.rows,
      rowGroup: this.rowGroup,
      incompleteRows: this.incompleteRows,
      invGroupSize: this.invGroupSize,
      q: this.q,
    };
  }

  /** True if `s` is non-NaN on every complete-case row, so the precomputed basis applies as is. */
  private coversRows(s: Float64Array): boolean {
    const rows = this.rows;
    for (let j = 0; j < rows.length; j++) if (Number.isNaN(s[rows[j]!]!)) return false;
    return true;
  }

  /** The residualiser restricted to the rows where `s` is also non-NaN (the slow path). */
  private restrictedTo(s: Float64Array): CrossSectionResidualizer {
    const groups = new Int32Array(this.size);
    for (let i = 0; i < this.size; i++)
      groups[i] = this.rowMask[i] && !Number.isNaN(s[i]!) ? this.groups[i]! : -1;
    return new CrossSectionResidualizer(groups, this.nGroups, this.regressors, this.options);
  }

  /**
   * Residual e of `s` on [one-hot groups, Z] over the rows where s, the group and every regressor are
   * non-NaN; NaN elsewhere, and NaN everywhere when N_t − rank(X) < 2. O(N·K) when s has no extra NaNs;
   * otherwise the basis is recomputed on the smaller row set.
   */
  residualize(s: Float64Array, out?: Float64Array): Float64Array {
    checkSameLength('groups', this.groups, 's', s);
    const e = outputArray(out, this.size);
    // Dropping rows never raises N − rank(X), so a skipped date stays skipped whatever s is.
    if (this.skipped) return e.fill(Number.NaN);
    if (!this.applyCompact(s, e)) return this.restrictedTo(s).residualize(s, e);
    const incomplete = this.incompleteRows;
    for (let k = 0; k < incomplete.length; k++) e[incomplete[k]!] = Number.NaN;
    return e;
  }

  /**
   * sTilde ← M_D s − Q(Qᵀ M_D s) over the complete-case rows, also scattered into `e` when given; the
   * projections Qᵀ M_D s go to `projections`. Three fused passes (group sums; demean and project; subtract).
   * Q is orthonormal to working precision (MGS twice), so the simultaneous projections are as accurate as
   * sequential ones. Returns false, computing nothing useful, if s is NaN on a complete-case row.
   */
  private applyCompact(s: Float64Array, e: Float64Array | null): boolean {
    const rows = this.rows;
    const rowGroup = this.rowGroup;
    const sums = this.groupSums;
    const inv = this.invGroupSize;
    const st = this.sTilde;
    const m = rows.length;
    sums.fill(0);
    for (let j = 0; j < m; j++) sums[rowGroup[j]!]! += s[rows[j]!]!;
    let anyNaN = false;
    for (let g = 0; g < sums.length; g++) {
      sums[g] = sums[g]! * inv[g]!;
      if (Number.isNaN(sums[g]!)) anyNaN = true;
    }
    // A NaN group mean comes from a NaN in s (slow path) or from ±Infinity arithmetic (carry on).
    if (anyNaN && !this.coversRows(s)) return false;
    const c = this.projections;
    const r = this.q.length;
    if (r === 2) {
      const q0 = this.q[0]!;
      const q1 = this.q[1]!;
      let c0 = 0;
      let c1 = 0;
      for (let j = 0; j < m; j++) {
        // A singleton group gives v − v/1 = exactly 0 here and its q rows are 0, so its residual is 0.
        const d = s[rows[j]!]! - sums[rowGroup[j]!]!;
        st[j] = d;
        c0 += q0[j]! * d;
        c1 += q1[j]! * d;
      }
      c[0] = c0;
      c[1] = c1;
      for (let j = 0; j < m; j++) st[j] = st[j]! - c0 * q0[j]! - c1 * q1[j]!;
    } else {
      for (let j = 0; j < m; j++) st[j] = s[rows[j]!]! - sums[rowGroup[j]!]!;
      for (let jq = 0; jq < r; jq++) {
        const qj = this.q[jq]!;
        let dot = 0;
        for (let j = 0; j < m; j++) dot += qj[j]! * st[j]!;
        c[jq] = dot;
        for (let j = 0; j < m; j++) st[j] = st[j]! - dot * qj[j]!;
      }
    }
    if (e !== null) for (let j = 0; j < m; j++) e[rows[j]!] = st[j]!;
    return true;
  }

  /**
   * Residuals plus the regression coefficients δ̂ (back-substitution in the pivoted R) and
   * γ̂_g = mean_g(s − Zδ̂). R2.1: δ̂ = (0.21412529550827397, −0.623817966903074).
   */
  fit(s: Float64Array): ResidualizerFit {
    checkSameLength('groups', this.groups, 's', s);
    if (!this.coversRows(s)) return this.restrictedTo(s).fit(s);
    const K = this.regressors.length;
    const residuals = new Float64Array(this.size).fill(Number.NaN);
    const delta = new Float64Array(K).fill(Number.NaN);
    const gamma = new Float64Array(this.nGroups).fill(Number.NaN);
    const base = { residuals, delta, gamma, rank: this.rank, count: this.rows.length };
    if (this.skipped) return base;
    this.applyCompact(s, null);
    const c = this.projections;
    const rows = this.rows;
    for (let j = 0; j < rows.length; j++) residuals[rows[j]!] = this.sTilde[j]!;
    delta.fill(0);
    const r = this.q.length;
    for (let j = r - 1; j >= 0; j--) {
      let acc = c[j]!;
      const rj = this.rFactor[j]!;
      for (let jj = j + 1; jj < r; jj++) acc -= rj[this.pivots[jj]!]! * delta[this.pivots[jj]!]!;
      delta[this.pivots[j]!] = acc / rj[this.pivots[j]!]!;
    }
    const sums = new Float64Array(this.nGroups);
    const counts = new Float64Array(this.nGroups);
    for (let j = 0; j < rows.length; j++) {
      const i = rows[j]!;
      let v = s[i]!;
      for (let k = 0; k < K; k++) v -= this.regressors[k]![i]! * delta[k]!;
      sums[this.groups[i]!]! += v;
      counts[this.groups[i]!]!++;
    }
    for (let g = 0; g < this.nGroups; g++) gamma[g] = counts[g]! > 0 ? sums[g]! / counts[g]! : Number.NaN;
    return base;
  }
}

/**
 * One-shot FWL residual of `s` on [one-hot `groups`, `regressors`] (methods.md §2). Use a
 * {@link CrossSectionResidualizer} instead when several signals share the date's regressors.
 */
export function residualizeCrossSection(
  s: Float64Array,
  groups: Int32Array,
  nGroups: number,
  regressors: readonly Float64Array[],
  out?: Float64Array,
): Float64Array {
  return new CrossSectionResidualizer(groups, nGroups, regressors).residualize(s, out);
}
