/**
 * Type-II Anderson acceleration of a fixed-point iteration x ← G(x) (Walker & Ni 2011; used on ADMM's
 * (z, y) iterates as SCS 3 does, Zhang, O'Donoghue & Boyd 2020). From the last `memory` differences of the
 * residuals f = G(x) − x and of the images G(x), the next iterate is
 *
 *   x⁺ = G(x_k) − ΔG·c,   c = argmin_c ‖f_k − ΔF·c‖²   (a `memory` × `memory` least-squares problem),
 *
 * the combination of recent images whose residual extrapolates to zero. The caller safeguards it (accepts x⁺
 * only when the residual at x⁺ does not grow) and resets it whenever the map changes (ρ or γ). Cost per step
 * O(n·memory) against the O(p·k) of an ADMM step; no allocation after construction.
 */
import { solveDenseSmall } from '../linalg/dense-solve.ts';
import { AndersonKernel } from './anderson-kernel.ts';

export class AndersonAccelerator {
  private readonly dF: Float64Array[];
  private readonly dG: Float64Array[];
  private readonly fPrev: Float64Array;
  private readonly gPrev: Float64Array;
  private hasPrev = false;
  /** Columns held, and the slot the next one goes to (a ring). */
  private count = 0;
  private head = 0;
  /** ΔFᵀΔF by ring slot (memory × memory), updated one column per step; `work` is the copy that is solved. */
  private readonly gram: Float64Array;
  private readonly work: Float64Array;
  private readonly rhs: Float64Array;
  private readonly coef: Float64Array;
  private readonly dotOut: Float64Array;

  /** The vector passes in WebAssembly (anderson-kernel.ts, same bits), over the history in its memory. */
  private readonly kernel: AndersonKernel | undefined;

  /** `useKernel: false` keeps the vector passes in JS (the kernel's reference in tests). */
  constructor(
    readonly n: number,
    readonly memory = 5,
    options: { readonly useKernel?: boolean } = {},
  ) {
    const kernel = options.useKernel === false ? undefined : AndersonKernel.create(n, memory);
    this.kernel = kernel;
    this.dF = kernel ? kernel.dF.slice() : Array.from({ length: memory }, () => new Float64Array(n));
    this.dG = kernel ? kernel.dG.slice() : Array.from({ length: memory }, () => new Float64Array(n));
    this.fPrev = kernel?.fPrev ?? new Float64Array(n);
    this.gPrev = kernel?.gPrev ?? new Float64Array(n);
    this.gram = new Float64Array(memory * memory);
    this.work = new Float64Array(memory * memory);
    this.rhs = new Float64Array(memory);
    this.coef = kernel?.coef ?? new Float64Array(memory);
    this.dotOut = new Float64Array(memory);
  }

  reset(): void {
    this.hasPrev = false;
    this.count = 0;
    this.head = 0;
  }

  /**
   * Records the pair (x, g = G(x)) and writes the accelerated next iterate into `out` (which may alias `g` but
   * not `x`). Returns false, with out = g, when there is no history to extrapolate from yet or the
   * least-squares problem is degenerate.
   */
  step(x: Float64Array, g: Float64Array, out: Float64Array): boolean {
    const { n, fPrev, gPrev, memory, gram, dF, dG, rhs, kernel } = this;
    if (this.hasPrev && kernel) {
      const h = this.head;
      kernel.x.set(x);
      kernel.g.set(g);
      kernel.difference(h);
      this.count = Math.min(this.count + 1, memory);
      kernel.dots(this.count);
      const products = kernel.products;
      for (let b = 0; b < this.count; b++) {
        gram[h * memory + b] = products[2 * b]!;
        gram[b * memory + h] = products[2 * b]!;
        rhs[b] = products[2 * b + 1]!;
      }
      this.head = (h + 1) % memory;
    } else if (this.hasPrev) {
      // the new column, and f and G(x) kept for the next step, in one pass
      const h = this.head;
      const df = dF[h]!;
      const dg = dG[h]!;
      for (let i = 0; i < n; i++) {
        const gi = g[i]!;
        const f = gi - x[i]!;
        df[i] = f - fPrev[i]!;
        dg[i] = gi - gPrev[i]!;
        fPrev[i] = f;
        gPrev[i] = gi;
      }
      this.count = Math.min(this.count + 1, memory);
      // only the new column's inner products change; ΔFᵀf in the same passes over the columns
      dots(df, fPrev, dF, this.count, n, this.dotOut, rhs);
      for (let b = 0; b < this.count; b++) {
        gram[h * memory + b] = this.dotOut[b]!;
        gram[b * memory + h] = this.dotOut[b]!;
      }
      this.head = (h + 1) % memory;
    } else {
      for (let i = 0; i < n; i++) {
        fPrev[i] = g[i]! - x[i]!;
        gPrev[i] = g[i]!;
      }
    }
    this.hasPrev = true;
    if (out !== g) out.set(g);
    const m = this.count;
    if (m === 0) return false;
    // normal equations (ΔFᵀΔF + εI)c = ΔFᵀf, with a relative ridge ε against near-collinear columns
    const { work, coef } = this;
    let trace = 0;
    for (let a = 0; a < m; a++) {
      for (let b = 0; b < m; b++) work[a * m + b] = gram[a * memory + b]!;
      trace += work[a * m + a]!;
    }
    if (!(trace > 0)) return false;
    for (let a = 0; a < m; a++) work[a * m + a] = work[a * m + a]! + 1e-10 * trace;
    if (!solveDenseSmall(m, work, rhs, coef)) return false;
    if (kernel) {
      // m > 0: this step recorded a difference, so the kernel holds this g
      kernel.subtract(m);
      out.set(kernel.g);
      return true;
    }
    // out_i − c_0·ΔG_0,i − c_1·ΔG_1,i − … in that order (per entry), four columns per pass over out
    let a = 0;
    for (; a + 3 < m; a += 4) {
      const c0 = coef[a]!;
      const c1 = coef[a + 1]!;
      const c2 = coef[a + 2]!;
      const c3 = coef[a + 3]!;
      const g0 = dG[a]!;
      const g1 = dG[a + 1]!;
      const g2 = dG[a + 2]!;
      const g3 = dG[a + 3]!;
      for (let i = 0; i < n; i++) out[i] = out[i]! - c0 * g0[i]! - c1 * g1[i]! - c2 * g2[i]! - c3 * g3[i]!;
    }
    for (; a + 1 < m; a += 2) {
      const c0 = coef[a]!;
      const c1 = coef[a + 1]!;
      const g0 = dG[a]!;
      const g1 = dG[a + 1]!;
      for (let i = 0; i < n; i++) out[i] = out[i]! - c0 * g0[i]! - c1 * g1[i]!;
    }
    if (a < m) {
      const c = coef[a]!;
      const ga = dG[a]!;
      for (let i = 0; i < n; i++) out[i] = out[i]! - c * ga[i]!;
    }
    return true;
  }
}

/**
 * outX_b = Σ_i x_i·ys[b]_i and outU_b = Σ_i u_i·ys[b]_i for b < count, four columns per pass over x and u.
 * Each sum still runs i = 0, 1, … with one accumulator (the bits of the one-at-a-time loop); the eight
 * chains overlap where one alone waits on the latency of its additions, and each column is read once for
 * both.
 */
function dots(
  x: Float64Array,
  u: Float64Array,
  ys: readonly Float64Array[],
  count: number,
  n: number,
  outX: Float64Array,
  outU: Float64Array,
): void {
  let b = 0;
  for (; b + 3 < count; b += 4) {
    const y0 = ys[b]!;
    const y1 = ys[b + 1]!;
    const y2 = ys[b + 2]!;
    const y3 = ys[b + 3]!;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let t0 = 0;
    let t1 = 0;
    let t2 = 0;
    let t3 = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      const ui = u[i]!;
      const v0 = y0[i]!;
      const v1 = y1[i]!;
      const v2 = y2[i]!;
      const v3 = y3[i]!;
      s0 += xi * v0;
      s1 += xi * v1;
      s2 += xi * v2;
      s3 += xi * v3;
      t0 += ui * v0;
      t1 += ui * v1;
      t2 += ui * v2;
      t3 += ui * v3;
    }
    outX[b] = s0;
    outX[b + 1] = s1;
    outX[b + 2] = s2;
    outX[b + 3] = s3;
    outU[b] = t0;
    outU[b + 1] = t1;
    outU[b + 2] = t2;
    outU[b + 3] = t3;
  }
  for (; b + 1 < count; b += 2) {
    const y0 = ys[b]!;
    const y1 = ys[b + 1]!;
    let s0 = 0;
    let s1 = 0;
    let t0 = 0;
    let t1 = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      const ui = u[i]!;
      s0 += xi * y0[i]!;
      s1 += xi * y1[i]!;
      t0 += ui * y0[i]!;
      t1 += ui * y1[i]!;
    }
    outX[b] = s0;
    outX[b + 1] = s1;
    outU[b] = t0;
    outU[b + 1] = t1;
  }
  if (b < count) {
    const y0 = ys[b]!;
    let s0 = 0;
    let t0 = 0;
    for (let i = 0; i < n; i++) {
      s0 += x[i]! * y0[i]!;
      t0 += u[i]! * y0[i]!;
    }
    outX[b] = s0;
    outU[b] = t0;
  }
}
