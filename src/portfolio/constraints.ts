/**
 * Linear equality constraints of the portfolio problem (methods.md §7): dollar-neutral 1′w = 0, sector-neutral
 * S′w = 0 (one row per sector), beta-neutral β′w = 0, or any user row. If every stock has a sector, the sector
 * rows sum to the dollar row, so the set is rank-deficient; dependent rows are dropped (Gram–Schmidt with a
 * relative tolerance, which is rank-revealing for the handful of rows a portfolio has) and reported.
 */
import { InvalidInputError } from '../core/errors.ts';
import { RecentList, sameBytes } from './recent.ts';

export interface EqualityConstraint {
  /** Name used in reports and errors, e.g. `dollar`, `sector:Energy`, `beta`. */
  readonly name: string;
  /** Coefficients, one per name. */
  readonly row: Float64Array;
}

export interface ReducedConstraints {
  /** Independent rows kept, in the order given. */
  readonly kept: readonly EqualityConstraint[];
  /** Names of rows dropped as linear combinations of earlier ones. */
  readonly dropped: readonly string[];
}

/** Relative tolerance under which a row's component outside the span of earlier rows counts as zero. */
const DEPENDENCE_TOL = 1e-10;

/**
 * The row reductions last made on this thread, by content (recent.ts): the books of a rebalance over the same
 * names have the same rows, in new arrays (the stage builds them per book; a worker receives copies), and the
 * Gram–Schmidt pass is O(p·m²) where comparing the rows is O(p·m). Six cover the window's and the factor
 * model's rows of the rebalances a worker interleaves.
 */
interface Reduction {
  readonly names: readonly string[];
  readonly rows: readonly Float64Array[];
  readonly keptIndex: readonly number[];
}
const recentReductions = new RecentList<Reduction>(6);

const sameRows = (rows: readonly EqualityConstraint[], known: Reduction) =>
  known.rows.length === rows.length &&
  rows.every((c, a) => c.name === known.names[a] && sameBytes(c.row, known.rows[a]!));

/**
 * Keeps a maximal independent subset of the rows, scanning in order: a row is dropped when the norm of its
 * component orthogonal to the rows kept so far is ≤ 1e-10 × its own norm. Rows of zeros are dropped too.
 */
export function dropDependentRows(rows: readonly EqualityConstraint[]): ReducedConstraints {
  let reduction = recentReductions.find((known) => sameRows(rows, known));
  if (!reduction) {
    reduction = {
      names: rows.map((c) => c.name),
      rows: rows.map((c) => Float64Array.from(c.row)),
      keptIndex: independentRows(rows),
    };
    recentReductions.add(reduction);
  }
  const keep = new Set(reduction.keptIndex);
  return {
    kept: rows.filter((_, a) => keep.has(a)),
    dropped: rows.filter((_, a) => !keep.has(a)).map((c) => c.name),
  };
}

/**
 * Indices of the rows `dropDependentRows` keeps. A plain loop, not a callback: this runs once per rebalance and
 * worker, and a closure made per call had its optimised code thrown away with it (docs/decisions/157 item 5).
 */
function independentRows(rows: readonly EqualityConstraint[]): number[] {
  const basis: Float64Array[] = [];
  const kept: number[] = [];
  for (let index = 0; index < rows.length; index++) {
    const c = rows[index]!;
    const r = Float64Array.from(c.row);
    const norm0 = Math.sqrt(dot(r, r));
    if (norm0 === 0 || !Number.isFinite(norm0)) {
      if (!Number.isFinite(norm0))
        throw new InvalidInputError(`constraint '${c.name}' has non-finite coefficients`);
      continue;
    }
    // Two passes of modified Gram–Schmidt ("twice is enough") keep the test reliable.
    for (let pass = 0; pass < 2; pass++) {
      for (let b = 0; b < basis.length; b++) subtractProjection(r, basis[b]!);
    }
    const norm = Math.sqrt(dot(r, r));
    if (norm <= DEPENDENCE_TOL * norm0) continue;
    for (let i = 0; i < r.length; i++) r[i] = r[i]! / norm;
    basis.push(r);
    kept.push(index);
  }
  return kept;
}

/** r ← r − (q·r)·q. */
function subtractProjection(r: Float64Array, q: Float64Array): void {
  const a = dot(q, r);
  for (let i = 0; i < r.length; i++) r[i] = r[i]! - a * q[i]!;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** The neutrality rows for a universe cross-section: dollar, one per sector present, beta (NaN β → 0 row entry is refused). */
export function neutralityConstraints(args: {
  n: number;
  dollar: boolean;
  sectorOf?: Int32Array;
  sectorNames?: readonly string[];
  beta?: Float64Array;
}): EqualityConstraint[] {
  const out: EqualityConstraint[] = [];
  if (args.dollar) out.push({ name: 'dollar', row: new Float64Array(args.n).fill(1) });
  if (args.sectorOf) {
    const groups = new Map<number, Float64Array>();
    for (let i = 0; i < args.n; i++) {
      const g = args.sectorOf[i]!;
      if (g < 0) continue;
      let row = groups.get(g);
      if (!row) groups.set(g, (row = new Float64Array(args.n)));
      row[i] = 1;
    }
    for (const g of [...groups.keys()].sort((a, b) => a - b)) {
      out.push({ name: `sector:${args.sectorNames?.[g] ?? g}`, row: groups.get(g)! });
    }
  }
  if (args.beta) {
    for (let i = 0; i < args.n; i++) {
      if (!Number.isFinite(args.beta[i]!)) {
        throw new InvalidInputError(
          `beta of name ${i} is not finite; exclude the name or fill its beta before optimising`,
        );
      }
    }
    out.push({ name: 'beta', row: Float64Array.from(args.beta) });
  }
  return out;
}
