/**
 * Daily cross-sectional neutralisation of a raw signal (methods.md §2): winsorise at kσ (ddof 0), take the
 * Frisch–Waugh–Lovell residual on sector dummies + [ln mcap, β] over the complete-case stocks, z-score
 * (ddof 0). NaN is never zero-filled: a stock without a signal or a regressor gets NaN.
 *
 * The per-date FWL bases depend only on the context, so each thread builds them once (into the memory of
 * its WebAssembly kernel, neutralize-kernel.ts) and every signal reuses them: O(N) per signal and date.
 */
import {
  CROSS_SECTION_MIN_SD,
  CrossSectionResidualizer,
  winsorizeCrossSection,
  zscoreCrossSection,
} from '../stats/index.ts';
import type { SharedFwlBases, SignalContext } from './context.ts';
import { NeutralizeKernel, type StoredDateBasis } from './neutralize-kernel.ts';

const cache = new WeakMap<SignalContext, (CrossSectionResidualizer | undefined)[]>();

/** Per context and thread: the WebAssembly kernel and the dates' bases stored in its memory. */
interface KernelState {
  readonly kernel: NeutralizeKernel;
  /** Per date: the stored basis, null for a skipped date, undefined before first use. */
  readonly dates: (StoredDateBasis | null | undefined)[];
}
const kernels = new WeakMap<SignalContext, KernelState | null>();

/** The context's kernel state in this thread, or undefined where WebAssembly SIMD is unavailable. */
function kernelStateOf(ctx: SignalContext): KernelState | undefined {
  let s = kernels.get(ctx);
  if (s === undefined) {
    const kernel = NeutralizeKernel.create(ctx.N, ctx.sectorOf, ctx.nSectors, ctx.T);
    s = kernel ? { kernel, dates: new Array(ctx.T) } : null;
    kernels.set(ctx, s);
  }
  return s ?? undefined;
}

/**
 * Date t's residualiser, built without keeping it: the kernel copies what it needs (≈ 24 kB at N = 1500)
 * instead of holding a residualiser per date (≈ 50 kB) for the whole run.
 */
function freshResidualizer(ctx: SignalContext, t: number): CrossSectionResidualizer {
  const cached = cache.get(ctx)?.[t];
  if (cached) return cached;
  const N = ctx.N;
  return new CrossSectionResidualizer(
    ctx.sectorOf,
    ctx.nSectors,
    ctx.regressors.map((z) => z.subarray(t * N, (t + 1) * N)),
  );
}
const basisCache = new WeakMap<SignalContext, (DateBasis | null | undefined)[]>();

/**
 * The context with every date's basis built once, here, on shared memory (kind −1 for a date whose complete
 * cases are not all stocks, that is skipped or that needs more than two basis vectors: each thread still
 * builds those). The signal tier attaches them before its tasks start, so its workers and the composite
 * pass's copy a date's basis instead of each rebuilding it (≈ 60–120 µs per date and thread; the composite's
 * fresh workers ran that code cold). Bit-identical: the same residualiser computes the same vectors.
 */
export function withSharedFwlBases(ctx: SignalContext): SignalContext {
  if (ctx.fwlBases) return ctx;
  const fwlBases = allocateSharedFwlBases(ctx.T, ctx.N, ctx.nSectors);
  fillSharedFwlBases(ctx, fwlBases, 0, ctx.T);
  return { ...ctx, fwlBases };
}

/** Empty shared bases for T dates (every kind −1 until {@link fillSharedFwlBases} builds the date). */
export function allocateSharedFwlBases(T: number, N: number, G: number): SharedFwlBases {
  return {
    kind: new Int8Array(new SharedArrayBuffer(T)).fill(-1),
    q: new Float64Array(new SharedArrayBuffer(8 * T * 2 * N)),
    invGroupSize: new Float64Array(new SharedArrayBuffer(8 * Math.max(1, T * G))),
  };
}

/**
 * Builds dates from … to − 1 of `bases` from the context's (complete) regressors: each date is written by
 * itself, so ranges can be built by different threads (context-task.ts) with the same result.
 */
export function fillSharedFwlBases(
  ctx: SignalContext,
  bases: SharedFwlBases,
  from: number,
  to: number,
): void {
  const { N } = ctx;
  const G = ctx.nSectors;
  for (let t = from; t < to; t++) {
    const r = freshResidualizer(ctx, t);
    const b = r.basis();
    if (r.skipped || b.rows.length !== N || b.q.length > 2 || b.invGroupSize.length !== G) continue;
    b.q.forEach((v, k) => bases.q.set(v, (2 * t + k) * N));
    bases.invGroupSize.set(b.invGroupSize, t * G);
    bases.kind[t] = b.q.length;
  }
}

const identityRows = new Map<number, Int32Array>();
const noRows = new Int32Array(0);

/** Date t's shared basis in the form the kernel stores (a full date: identity rows, the sector column). */
function sharedBasisParts(ctx: SignalContext, shared: SharedFwlBases, t: number, vectors: number) {
  const N = ctx.N;
  const G = ctx.nSectors;
  let rows = identityRows.get(N);
  if (!rows) {
    rows = Int32Array.from({ length: N }, (_, i) => i);
    identityRows.set(N, rows);
  }
  const q: Float64Array[] = [];
  for (let k = 0; k < vectors; k++) q.push(shared.q.subarray((2 * t + k) * N, (2 * t + k + 1) * N));
  return {
    rows,
    rowGroup: ctx.sectorOf,
    incompleteRows: noRows,
    invGroupSize: shared.invGroupSize.subarray(t * G, (t + 1) * G),
    q,
  };
}

/**
 * What the fast path of {@link neutralizeRow} needs of date t's residualiser: the m complete-case rows,
 * their sectors, 1/|sector|, and the orthonormal basis of col(M_D Z) as two columns (a zero column when
 * the rank is lower, so the kernel has one shape; q0 is undefined when more than two are needed).
 */
interface DateBasis {
  readonly m: number;
  readonly rows: Int32Array;
  readonly rowGroup: Int32Array;
  readonly incompleteRows: Int32Array;
  readonly invGroupSize: Float64Array;
  readonly q0: Float64Array | undefined;
  readonly q1: Float64Array | undefined;
}

function dateBasisOf(r: CrossSectionResidualizer): DateBasis {
  const { rows, rowGroup, incompleteRows, invGroupSize, q } = r.basis();
  const m = rows.length;
  const fits = q.length <= 2;
  return {
    m,
    rows,
    rowGroup,
    incompleteRows,
    invGroupSize,
    q0: fits ? (q[0] ?? new Float64Array(m)) : undefined,
    q1: fits ? (q[1] ?? new Float64Array(m)) : undefined,
  };
}

/** Date t's basis, built on first use in this thread; undefined when the date is skipped (N_t − rank < 2). */
function dateBasisAt(ctx: SignalContext, t: number): DateBasis | undefined {
  let list = basisCache.get(ctx);
  if (!list) {
    list = new Array(ctx.T);
    basisCache.set(ctx, list);
  }
  let b = list[t];
  if (b === undefined) {
    const r = residualizerAt(ctx, t);
    b = r.skipped ? null : dateBasisOf(r);
    list[t] = b;
  }
  return b ?? undefined;
}

/** The residualiser of date t (built on first use in this thread). */
export function residualizerAt(ctx: SignalContext, t: number): CrossSectionResidualizer {
  let list = cache.get(ctx);
  if (!list) {
    list = new Array(ctx.T);
    cache.set(ctx, list);
  }
  let r = list[t];
  if (!r) {
    const N = ctx.N;
    r = new CrossSectionResidualizer(
      ctx.sectorOf,
      ctx.nSectors,
      ctx.regressors.map((z) => z.subarray(t * N, (t + 1) * N)),
    );
    list[t] = r;
  }
  return r;
}

/** Scratch rows for {@link neutralizeRow}; one per thread and signal loop. */
export class NeutralizeScratch {
  /** Tests set this to run the JS twin of the WebAssembly kernel. */
  static forceJs = false;
  readonly winsorized: Float64Array;
  readonly residual: Float64Array;
  /** Compacted over a date's complete-case rows: winsorised values, then residuals. */
  readonly compact: Float64Array;
  constructor(N: number) {
    this.winsorized = new Float64Array(N);
    this.residual = new Float64Array(N);
    this.compact = new Float64Array(N);
  }
  /** Two moments handed between the passes of the fast path. */
  readonly moments = new Float64Array(2);
  private sums = new Float64Array(64);
  /** Per-sector sums (length ≥ G). */
  groupSums(G: number): Float64Array {
    if (this.sums.length < G) this.sums = new Float64Array(G);
    return this.sums;
  }
}

/**
 * Neutralises the raw cross-section `raw` (length N) of date t into `out`: winsorise, FWL residual,
 * z-score. Returns the number of non-NaN outputs (0 when the date has too few stocks: fewer than 3 raw
 * values, N_t − rank(X) < 2, or a residual spread ≤ 1e-12).
 *
 * The fast path (docs/decisions/026) is the WebAssembly kernel of neutralize-kernel.ts (or its JS twin
 * below where WebAssembly SIMD is missing): five passes, three of them over the complete-case rows —
 * winsorisation moments, w = clip − shift with its sector sums and c = Qᵀw, e = w − w̄_sector − Qc with
 * Σe and Σe², and the z-score scatter. It equals the unfused steps within 1e-12 (reordered sums).
 * A row that is NaN on some complete-case stock (the residualiser must be restricted to the signal's
 * stocks), a non-finite value, or a date whose regressors need more than two basis vectors takes the
 * unfused stats functions (`winsorizeCrossSection`, `CrossSectionResidualizer`, `zscoreCrossSection`).
 */
export function neutralizeRow(
  ctx: SignalContext,
  t: number,
  raw: Float64Array,
  out: Float64Array,
  scratch: NeutralizeScratch,
): number {
  const state = NeutralizeScratch.forceJs ? undefined : kernelStateOf(ctx);
  if (state === undefined) return neutralizeRowJs(ctx, t, raw, out, scratch);
  let b = state.dates[t];
  if (b === undefined) {
    const vectors = ctx.fwlBases?.kind[t] ?? -1;
    if (vectors >= 0) b = state.kernel.store(sharedBasisParts(ctx, ctx.fwlBases!, t, vectors));
    else {
      const r = freshResidualizer(ctx, t);
      b = r.skipped ? null : state.kernel.store(r.basis());
    }
    state.dates[t] = b;
  }
  if (b === null || b.q0 < 0) {
    if (b === null) {
      out.fill(Number.NaN);
      return 0;
    }
    return neutralizeRowJs(ctx, t, raw, out, scratch);
  }
  const kernel = state.kernel;
  kernel.raw.set(raw);
  const count = kernel.neutralize(b, ctx.winsorizeK);
  if (count > 0) {
    out.set(kernel.out);
    const incomplete = b.incompleteRows;
    for (let j = 0; j < incomplete.length; j++) out[incomplete[j]!] = Number.NaN;
    return count;
  }
  if (count === 0) {
    out.fill(Number.NaN);
    return 0;
  }
  return neutralizeRowGeneral(ctx, t, raw, out, scratch);
}

/** The JS twin of the kernel's five passes (engines without WebAssembly SIMD, and tests). */
function neutralizeRowJs(
  ctx: SignalContext,
  t: number,
  raw: Float64Array,
  out: Float64Array,
  scratch: NeutralizeScratch,
): number {
  const moments = scratch.moments;
  // 1–2. Winsorisation moments; fewer than 3 values leave nothing to neutralise.
  if (winsorMoments(raw, moments) < 3) {
    out.fill(Number.NaN);
    return 0;
  }
  const basis = dateBasisAt(ctx, t);
  if (basis === undefined) {
    out.fill(Number.NaN);
    return 0;
  }
  const mu = moments[0]!;
  const sigma = moments[1]!;
  // ±∞ (or an overflowing sum) leaves the finite arithmetic below: the unfused steps define that case.
  if (!Number.isFinite(mu) || !Number.isFinite(sigma) || basis.q0 === undefined)
    return neutralizeRowGeneral(ctx, t, raw, out, scratch);
  const clip = sigma > CROSS_SECTION_MIN_SD;
  const k = ctx.winsorizeK;
  const lo = clip ? mu - k * sigma : Number.NEGATIVE_INFINITY;
  const hi = clip ? mu + k * sigma : Number.POSITIVE_INFINITY;
  const w = scratch.compact;
  const sums = scratch.groupSums(basis.invGroupSize.length);
  // 3. A NaN on a complete-case row needs the residualiser restricted to the signal's stocks.
  if (!clipShiftProject(raw, basis, lo, hi, w, sums, moments))
    return neutralizeRowGeneral(ctx, t, raw, out, scratch);
  // 4.
  residualMoments(basis, w, sums, moments);
  const m = basis.m;
  const me = moments[0]! / m;
  const sd = Math.sqrt(Math.max(0, moments[1]! / m - me * me));
  if (m < 2 || !(sd > CROSS_SECTION_MIN_SD)) {
    out.fill(Number.NaN);
    return 0;
  }
  // 5.
  scatterZ(basis, w, me, 1 / sd, out);
  return m;
}

/**
 * μ and σ (ddof 0) of the non-NaN values of x into moments[0..1] (two-pass, shifted by the first value so
 * the first sum stays exact for a level-heavy signal). Returns the count.
 */
function winsorMoments(x: Float64Array, moments: Float64Array): number {
  const N = x.length;
  let i0 = 0;
  while (i0 < N && Number.isNaN(x[i0]!)) i0++;
  const first = i0 < N ? x[i0]! : 0;
  let n = 0;
  let sum = 0;
  for (let i = i0; i < N; i++) {
    const v = x[i]!;
    if (!Number.isNaN(v)) {
      sum += v - first;
      n++;
    }
  }
  const mu = first + sum / n;
  // Two interleaved partial sums: independent add chains.
  let ssA = 0;
  let ssB = 0;
  let i = i0;
  for (; i + 1 < N; i += 2) {
    const a = x[i]! - mu;
    const b = x[i + 1]! - mu;
    if (!Number.isNaN(a)) ssA += a * a;
    if (!Number.isNaN(b)) ssB += b * b;
  }
  if (i < N) {
    const a = x[i]! - mu;
    if (!Number.isNaN(a)) ssA += a * a;
  }
  moments[0] = mu;
  moments[1] = Math.sqrt((ssA + ssB) / n);
  return n;
}

/**
 * w_j = clip(raw_{rows_j}, lo, hi) − shift with the first complete-case stock's clipped value as the shift
 * (neutralize-kernel.ts says why), the sector sums of w into `sums` and c = Qᵀw into c[0..1]. Returns false
 * when raw is NaN on a complete-case row.
 */
function clipShiftProject(
  raw: Float64Array,
  basis: DateBasis,
  lo: number,
  hi: number,
  w: Float64Array,
  sums: Float64Array,
  c: Float64Array,
): boolean {
  const { m, rows, rowGroup } = basis;
  const q0 = basis.q0!;
  const q1 = basis.q1!;
  sums.fill(0);
  const shift = Math.min(Math.max(raw[rows[0]!]!, lo), hi);
  let c0 = 0;
  let c1 = 0;
  let hole = false;
  for (let j = 0; j < m; j++) {
    const v = raw[rows[j]!]!;
    if (Number.isNaN(v)) hole = true;
    const x = Math.min(Math.max(v, lo), hi) - shift;
    w[j] = x;
    sums[rowGroup[j]!]! += x;
    c0 += q0[j]! * x;
    c1 += q1[j]! * x;
  }
  c[0] = c0;
  c[1] = c1;
  return !hole;
}

/** e = w − w̄_sector − Q c in place, with Σe → moments[0] and Σe² → moments[1]; `sums` become the means. */
function residualMoments(basis: DateBasis, w: Float64Array, sums: Float64Array, moments: Float64Array): void {
  const { m, rowGroup, invGroupSize } = basis;
  const q0 = basis.q0!;
  const q1 = basis.q1!;
  for (let g = 0; g < invGroupSize.length; g++) sums[g] = sums[g]! * invGroupSize[g]!;
  const c0 = moments[0]!;
  const c1 = moments[1]!;
  let se = 0;
  let see = 0;
  for (let j = 0; j < m; j++) {
    // A singleton sector gives x − x/1 = exactly 0 and its q rows are 0, so its residual is exactly 0.
    const e = w[j]! - sums[rowGroup[j]!]! - c0 * q0[j]! - c1 * q1[j]!;
    w[j] = e;
    se += e;
    see += e * e;
  }
  moments[0] = se;
  moments[1] = see;
}

/** out[rows_j] = (e_j − ē)/sd; NaN for the stocks that are not complete cases. */
function scatterZ(basis: DateBasis, e: Float64Array, me: number, invSd: number, out: Float64Array): void {
  const { m, rows, incompleteRows } = basis;
  for (let j = 0; j < incompleteRows.length; j++) out[incompleteRows[j]!] = Number.NaN;
  for (let j = 0; j < m; j++) out[rows[j]!] = (e[j]! - me) * invSd;
}

/** The unfused steps, for a signal that is NaN on some complete-case rows (the basis must be rebuilt). */
function neutralizeRowGeneral(
  ctx: SignalContext,
  t: number,
  raw: Float64Array,
  out: Float64Array,
  scratch: NeutralizeScratch,
): number {
  winsorizeCrossSection(raw, ctx.winsorizeK, scratch.winsorized);
  residualizerAt(ctx, t).residualize(scratch.winsorized, scratch.residual);
  zscoreCrossSection(scratch.residual, out);
  let m = 0;
  for (let i = 0; i < out.length; i++) if (!Number.isNaN(out[i]!)) m++;
  return m;
}
