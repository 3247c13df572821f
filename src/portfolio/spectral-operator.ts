/**
 * A covariance in eigenbasis form, Σ = a·I + V·diag(c)·Vᵀ with V (p × k) having orthonormal columns — the form
 * the sample, Ledoit–Wolf, OAS and LW-2020 estimators produce (methods.md §5). For it, (γΣ + ρI)⁻¹ has a
 * closed form for every γ and ρ:
 *
 *   (γΣ + ρI)⁻¹ b = b/(γa + ρ) + V·[(Vᵀb) ∘ (1/(γ(a + c) + ρ) − 1/(γa + ρ))]
 *
 * so the optimiser can change ρ (residual balancing) and γ (volatility targeting) without refactorising:
 * O(pk) per solve and no setup, where a Woodbury factorisation costs O(pk²) each time.
 */
import { InvalidInputError } from '../core/errors.ts';
import type { WasmMemory } from '../core/wasm.ts';
import { choleskySolve, type Matrix } from '../linalg/index.ts';
import { type ConstrainedStepSolver, type SparseRow, schurFactor, sparseRow } from './constrained-step.ts';
import type { RiskOperator } from './optimizer.ts';
import { RecentList, sameBytes } from './recent.ts';
import { SpectralKernel } from './spectral-kernel.ts';

/** Products of the spectral basis with a fixed set of constraint rows (see `constrainedSolver`). */
interface RowProducts {
  readonly rows: readonly Float64Array[];
  /** VᵀAᵀ, k × m row-major. */
  readonly P: Float64Array;
  readonly AAt: Float64Array;
  /** Each row's non-zeros. */
  readonly sparse: readonly SparseRow[];
}

/**
 * One kernel copy of each V (spectral-kernel.ts), shared by the operators built on the same array — the
 * sample, Ledoit–Wolf, OAS and LW-2020 operators of a rebalance share the window's eigenvectors
 * (docs/decisions/152). `null`: WebAssembly SIMD is unavailable, the JS loops run.
 */
const kernels = new WeakMap<Float64Array, SpectralKernel | null>();

/**
 * The V arrays last seen on this thread (recent.ts): an equal V in a new array — a worker thread's copy of a
 * task — maps to the first array seen with its numbers, the key of the kernel and VᵀAᵀ caches. Three cover
 * the rebalances a worker interleaves (the chains run up to two rebalances apart); each keeps its V and
 * kernel alive beyond its operators.
 */
const recentBases = new RecentList<Float64Array>(3);

/** A recently seen array with V's numbers (a memcmp per candidate, O(p·k)), else V itself. */
function canonicalBasis(V: Float64Array): Float64Array {
  const basis = recentBases.find((B) => B === V) ?? recentBases.find((B) => sameBytes(B, V));
  if (basis) return basis;
  const dropped = recentBases.add(V);
  if (dropped) retireKernel(dropped);
  return V;
}

/**
 * The memory of the kernel of the V that last dropped out of `recentBases`, for the next kernel: a fresh
 * 6 MB WebAssembly memory per rebalance cost ≈ 15 ms of allocation and page faults at 1500 × 503
 * (docs/decisions/036). Reuse changes no number: the next kernel copies its V over the old one.
 */
let spareMemory: WasmMemory | undefined;

/** Detaches the kernel of a dropped V; an operator still holding it sees `released` and asks again. */
function retireKernel(V: Float64Array): void {
  const kernel = kernels.get(V);
  kernels.delete(V);
  if (kernel) spareMemory = kernel.release();
}

function kernelFor(V: Float64Array, p: number, k: number): SpectralKernel | null {
  let kernel = kernels.get(V);
  if (kernel === undefined || (kernel !== null && (kernel.p !== p || kernel.k !== k))) {
    kernel = SpectralKernel.create(V, p, k, spareMemory) ?? null;
    spareMemory = undefined;
    kernels.set(V, kernel);
  }
  return kernel;
}

/** The last row products computed on each V (see `rowProducts`); P and AAᵀ depend on V and the rows only. */
const sharedRowProducts = new WeakMap<Float64Array, RowProducts>();

/** The same rows, number for number (same arrays, or copies of them). */
function sameRows(a: readonly Float64Array[], b: readonly Float64Array[]): boolean {
  return a.length === b.length && a.every((x, r) => x === b[r] || sameBytes(x, b[r]!));
}

export class SpectralRiskOperator implements RiskOperator {
  readonly p: number;
  readonly k: number;
  private readonly scratch: Float64Array;
  /** VᵀAᵀ (k × m) and AAᵀ (m × m) of the last constraint rows seen, which stay fixed within a rebalance. */
  private rowCache: RowProducts | undefined;

  /**
   * V is p × k row-major with orthonormal columns (the caller's contract; V is not modified afterwards);
   * c has length k. `useKernel: false` keeps the products in JS (the kernel's reference in tests).
   */
  constructor(
    readonly a: number,
    readonly V: Float64Array,
    readonly c: Float64Array,
    options: { readonly useKernel?: boolean } = {},
  ) {
    this.k = c.length;
    this.p = this.k === 0 ? 0 : V.length / this.k;
    if (!Number.isInteger(this.p) || V.length !== this.p * this.k) {
      throw new InvalidInputError(`V has ${V.length} entries, not a multiple of k = ${this.k}`);
    }
    if (!(a >= 0)) throw new InvalidInputError(`the scalar part a must be ≥ 0, got ${a}`);
    this.scratch = new Float64Array(this.k);
    if (options.useKernel === false) this.kernelRef = null;
  }

  /** The WebAssembly twin of `project`/`expand`, made on first use (V is copied into its memory once). */
  private get kernel(): SpectralKernel | null {
    if (this.kernelRef === undefined || this.kernelRef?.released) {
      this.kernelRef = kernelFor(this.basis, this.p, this.k);
    }
    return this.kernelRef;
  }
  private kernelRef: SpectralKernel | null | undefined;

  /** V, or an earlier array with the same numbers: the key of the per-thread kernel and VᵀAᵀ caches. */
  private get basis(): Float64Array {
    this.basisRef ??= canonicalBasis(this.V);
    return this.basisRef;
  }
  private basisRef: Float64Array | undefined;

  /** Vᵀx into `out` (length k); the kernel and the JS loop give the same bits. */
  project(x: Float64Array, out: Float64Array): Float64Array {
    const kernel = this.kernel;
    if (kernel) {
      kernel.x.set(x);
      kernel.project();
      out.set(kernel.y);
      return out;
    }
    const { p, k, V } = this;
    out.fill(0);
    // Two rows per pass halve the loads and stores of `out`; a zero x_i adds nothing and is skipped.
    let i = 0;
    for (; i + 1 < p; i += 2) {
      const x0 = x[i]!;
      const x1 = x[i + 1]!;
      if (x0 === 0 && x1 === 0) continue;
      const r0 = i * k;
      const r1 = r0 + k;
      for (let j = 0; j < k; j++) out[j]! += V[r0 + j]! * x0 + V[r1 + j]! * x1;
    }
    if (i < p) {
      const xi = x[i]!;
      const row = i * k;
      for (let j = 0; j < k; j++) out[j]! += V[row + j]! * xi;
    }
    return out;
  }

  /** out = s·x + V·y (out may be x); the kernel and the JS loop give the same bits. */
  expand(x: Float64Array, s: number, y: Float64Array, out: Float64Array): Float64Array {
    const kernel = this.kernel;
    if (kernel) {
      kernel.x.set(x);
      kernel.y.set(y);
      kernel.expand(s);
      out.set(kernel.out);
      return out;
    }
    const { p, k, V } = this;
    // Four partial sums break the add-latency chain of a single accumulator (the hot loop of every ADMM
    // step); the order is fixed, so results stay deterministic.
    const k4 = k - (k % 4);
    for (let i = 0; i < p; i++) {
      const row = i * k;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let j = 0;
      for (; j < k4; j += 4) {
        a0 += V[row + j]! * y[j]!;
        a1 += V[row + j + 1]! * y[j + 1]!;
        a2 += V[row + j + 2]! * y[j + 2]!;
        a3 += V[row + j + 3]! * y[j + 3]!;
      }
      for (; j < k; j++) a0 += V[row + j]! * y[j]!;
      out[i] = s * x[i]! + (a0 + a1 + (a2 + a3));
    }
    return out;
  }

  mul(x: Float64Array, out: Float64Array = new Float64Array(this.p)): Float64Array {
    const y = this.project(x, this.scratch);
    for (let j = 0; j < this.k; j++) y[j] = y[j]! * this.c[j]!;
    return this.expand(x, this.a, y, out);
  }

  quadForm(w: Float64Array): number {
    const y = this.project(w, this.scratch);
    let s = 0;
    for (let i = 0; i < this.p; i++) s += w[i]! * w[i]!;
    let q = this.a * s;
    for (let j = 0; j < this.k; j++) q += this.c[j]! * y[j]! * y[j]!;
    return q;
  }

  shiftedSolver(gamma: number, rho: number): { solve(b: Float64Array, out?: Float64Array): Float64Array } {
    const base = gamma * this.a + rho;
    const f = this.inverseIncrements(gamma, rho);
    const y = new Float64Array(this.k);
    return {
      solve: (b, out = new Float64Array(this.p)) => {
        this.project(b, y);
        for (let j = 0; j < this.k; j++) y[j] = y[j]! * f[j]!;
        return this.expand(b, 1 / base, y, out);
      },
    };
  }

  /**
   * The equality-constrained w-step (constrained-step.ts) without any extra operator solve. With
   * β = γa + ρ, f_j = 1/(γ(a + c_j) + ρ) − 1/β and P = VᵀAᵀ (cached per set of rows, O(p·k·m) once):
   *
   *   M⁻¹x = x/β + V·(f ∘ Vᵀx),   S = A·M⁻¹·Aᵀ = AAᵀ/β + Pᵀ·diag(f)·P   (O(k·m²) per γ, ρ),
   *   w = (q − Aᵀν)/β + V·(f ∘ (Vᵀq − P·ν)),   S·ν = A·q/β + Pᵀ(f ∘ Vᵀq).
   *
   * Each step costs one projection and one expansion (2·p·k) plus O(p·m), where the generic form pays m
   * solves at every change of γ or ρ (docs/decisions/150-portfolio-spectral-schur.md).
   */
  constrainedSolver(gamma: number, rho: number, rows: readonly Float64Array[]): ConstrainedStepSolver {
    const { k } = this;
    const m = rows.length;
    const f = this.inverseIncrements(gamma, rho);
    const base = gamma * this.a + rho;
    const { P, AAt, sparse } = this.rowProducts(rows);
    let L: Matrix | undefined;
    if (m > 0) {
      const S = new Float64Array(m * m);
      for (let a = 0; a < m; a++) {
        for (let b = a; b < m; b++) {
          let s = 0;
          for (let j = 0; j < k; j++) s += P[j * m + a]! * f[j]! * P[j * m + b]!;
          const v = AAt[a * m + b]! / base + s;
          S[a * m + b] = v;
          S[b * m + a] = v;
        }
      }
      L = schurFactor(m, S);
    }
    // (P_ja·f_j) once per γ, ρ, so the per-step right-hand side is a plain dot product (same rounding)
    const Pf = new Float64Array(m * k);
    for (let a = 0; a < m; a++) for (let j = 0; j < k; j++) Pf[a * k + j] = P[j * m + a]! * f[j]!;
    return new SpectralConstrainedStep(this, f, base, P, Pf, sparse, L);
  }

  /** f_j = 1/(γ(a + c_j) + ρ) − 1/(γa + ρ), after checking that γΣ + ρI is positive definite. */
  private inverseIncrements(gamma: number, rho: number): Float64Array {
    const base = gamma * this.a + rho;
    if (!(base > 0)) throw new InvalidInputError(`γa + ρ must be positive, got ${base}`);
    const f = new Float64Array(this.k);
    for (let j = 0; j < this.k; j++) {
      const e = gamma * (this.a + this.c[j]!) + rho;
      if (!(e > 0)) throw new InvalidInputError(`γ(a + c_${j}) + ρ must be positive, got ${e}`);
      f[j] = 1 / e - 1 / base;
    }
    return f;
  }

  /**
   * P = VᵀAᵀ (k × m, row-major) and AAᵀ for these rows, reused while the same row arrays come back — and
   * across the operators built on the same V when the rows hold the same numbers (the four spectral
   * estimators of a rebalance share V and the constraint rows: one O(p·k·m) product instead of four).
   */
  private rowProducts(rows: readonly Float64Array[]): RowProducts {
    const c = this.rowCache;
    if (c && c.rows.length === rows.length && c.rows.every((r, a) => r === rows[a])) return c;
    // the JS path (useKernel: false, the kernel's reference) computes its own
    const shared = this.kernel ? sharedRowProducts.get(this.basis) : undefined;
    if (shared && sameRows(shared.rows, rows)) {
      this.rowCache = { ...shared, rows: rows.slice() };
      return this.rowCache;
    }
    const { p, k, V } = this;
    const m = rows.length;
    for (const r of rows) {
      if (r.length !== p)
        throw new InvalidInputError(`a constraint row has length ${r.length}, expected ${p}`);
    }
    // AV = A·V (m × k) laid out as VᵀAᵀ below; the kernel's twin of `rowsTimesBasis` where it can
    const AV = this.kernel?.rowProducts(rows) ?? rowsTimesBasis(rows, V, p, k);
    const P = new Float64Array(k * m);
    for (let a = 0; a < m; a++) for (let j = 0; j < k; j++) P[j * m + a] = AV[a * k + j]!;
    const AAt = new Float64Array(m * m);
    for (let a = 0; a < m; a++) {
      for (let b = a; b < m; b++) {
        const v = dotRow(rows[a]!, rows[b]!, p);
        AAt[a * m + b] = v;
        AAt[b * m + a] = v;
      }
    }
    const sparse = rows.map(sparseRow);
    this.rowCache = { rows: rows.slice(), P, AAt, sparse };
    if (this.kernel) sharedRowProducts.set(this.basis, this.rowCache);
    return this.rowCache;
  }
}

/**
 * The spectral operator's w-step for one γ, ρ and set of rows (`SpectralRiskOperator.constrainedSolver`). A
 * class, not a closure made per call: the ADMM makes one at every change of ρ or γ, and optimised code that had
 * inlined such a closure was discarded when it died (docs/decisions/157 item 5).
 */
class SpectralConstrainedStep implements ConstrainedStepSolver {
  private readonly u: Float64Array;
  private readonly rhs: Float64Array;

  constructor(
    private readonly op: SpectralRiskOperator,
    private readonly f: Float64Array,
    private readonly base: number,
    private readonly P: Float64Array,
    private readonly Pf: Float64Array,
    private readonly sparse: readonly SparseRow[],
    private readonly L: Matrix | undefined,
  ) {
    this.u = new Float64Array(op.k);
    this.rhs = new Float64Array(sparse.length);
  }

  solve(q: Float64Array, w: Float64Array): void {
    const { op, f, base, P, Pf, sparse, u, rhs } = this;
    const k = op.k;
    const m = sparse.length;
    op.project(q, u);
    for (let a = 0; a < m; a++) {
      let s = 0;
      const o = a * k;
      for (let j = 0; j < k; j++) s += Pf[o + j]! * u[j]!;
      const { index, value } = sparse[a]!;
      let d = 0;
      for (let t = 0; t < index.length; t++) d += value[t]! * q[index[t]!]!;
      rhs[a] = d / base + s;
    }
    const nu = m > 0 ? choleskySolve(this.L!, rhs) : rhs;
    for (let j = 0; j < k; j++) {
      let s = u[j]!;
      const o = j * m;
      for (let a = 0; a < m; a++) s -= P[o + a]! * nu[a]!;
      u[j] = f[j]! * s;
    }
    w.set(q);
    // sector rows are one-hot: only their non-zeros move w (skipping a 0 term is exact)
    for (let a = 0; a < m; a++) {
      const { index, value } = sparse[a]!;
      const na = nu[a]!;
      for (let t = 0; t < index.length; t++) {
        const i = index[t]!;
        w[i] = w[i]! - na * value[t]!;
      }
    }
    op.expand(w, 1 / base, u, w);
  }
}

/**
 * AV = A·V (m × k, row-major): row a accumulated over i = 0, 1, … (a zero coefficient skipped), contiguous in
 * j. Laid out as VᵀAᵀ each entry is the same sum in the same order as accumulating into VᵀAᵀ directly.
 */
function rowsTimesBasis(rows: readonly Float64Array[], V: Float64Array, p: number, k: number): Float64Array {
  const m = rows.length;
  const AV = new Float64Array(m * k);
  for (let i = 0; i < p; i++) {
    const o = i * k;
    for (let a = 0; a < m; a++) {
      const x = rows[a]![i]!;
      if (x === 0) continue;
      const r = a * k;
      for (let j = 0; j < k; j++) AV[r + j]! += V[o + j]! * x;
    }
  }
  return AV;
}

function dotRow(x: Float64Array, y: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i]! * y[i]!;
  return s;
}
