/**
 * Transaction costs (methods.md §7): per name, cost_i = |Δw_i|·V·[(hs_i + fee_i)/1e4 + Y·σ_i·√(|Δw_i|·V/(P_i·ADV_i))]
 * — half-spread and fees in basis points plus square-root market impact (Almgren et al. 2005). The impact
 * term makes cost ∝ |Δw|^{3/2}, convex, so the optimiser includes it through its 1-D proximal operator.
 */
import { InvalidInputError } from '../core/errors.ts';

export interface CostModelParams {
  /** Net asset value V in currency units. */
  readonly nav: number;
  /** Half-spread in basis points, one per name or one for all. */
  readonly halfSpreadBps: number | Float64Array;
  /** Fees in basis points, one per name or one for all. */
  readonly feeBps: number | Float64Array;
  /** Impact coefficient Y (≈ 1). */
  readonly impactY: number;
  /** Price P_i per name (for participation). */
  readonly price: Float64Array;
  /** Average daily volume in shares per name. */
  readonly adv: Float64Array;
  /** Daily volatility σ_i per name. */
  readonly sigma: Float64Array;
}

/** Per-name coefficients of cost(Δw) = a_i·|Δw| + b_i·|Δw|^{3/2}, as fractions of NAV. */
export interface CostCoefficients {
  /** Linear coefficient a_i = (hs_i + fee_i)/1e4. */
  readonly linear: Float64Array;
  /** Impact coefficient b_i = Y·σ_i·√(V/(P_i·ADV_i)); 0 where price, ADV or σ is missing. */
  readonly impact: Float64Array;
}

function perName(x: number | Float64Array, i: number): number {
  return typeof x === 'number' ? x : x[i]!;
}

/**
 * Cost coefficients per name. A name without price, ADV or volatility gets no impact term (b = 0) rather than
 * NaN, so that it can still be traded at its spread and fee cost; the caller is expected to keep such names
 * out of the investable set if that is not acceptable.
 */
export function costCoefficients(params: CostModelParams): CostCoefficients {
  const n = params.price.length;
  if (params.adv.length !== n || params.sigma.length !== n) {
    throw new InvalidInputError(
      `cost model inputs have lengths price ${n}, adv ${params.adv.length}, sigma ${params.sigma.length}`,
    );
  }
  if (!(params.nav > 0)) throw new InvalidInputError(`NAV must be positive, got ${params.nav}`);
  const linear = new Float64Array(n);
  const impact = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    linear[i] = (perName(params.halfSpreadBps, i) + perName(params.feeBps, i)) / 1e4;
    const P = params.price[i]!;
    const adv = params.adv[i]!;
    const s = params.sigma[i]!;
    impact[i] = P > 0 && adv > 0 && s >= 0 ? params.impactY * s * Math.sqrt(params.nav / (P * adv)) : 0;
  }
  return { linear, impact };
}

/** Cost of trading Δw (weights) as a fraction of NAV: Σ_i a_i|Δw_i| + b_i|Δw_i|^{3/2}. */
export function tradeCost(dw: Float64Array, c: CostCoefficients): number {
  let total = 0;
  for (let i = 0; i < dw.length; i++) {
    const t = Math.abs(dw[i]!);
    if (t === 0) continue;
    total += c.linear[i]! * t + c.impact[i]! * t * Math.sqrt(t);
  }
  return total;
}

/**
 * Cost in currency of one trade of notional `tradeValue` (methods.md §7, R7.4): tradeValue·[(hs + fee)/1e4 +
 * Y·σ·√(tradeValue/(P·ADV))].
 */
export function singleTradeCost(args: {
  tradeValue: number;
  price: number;
  advShares: number;
  sigma: number;
  halfSpreadBps: number;
  feeBps: number;
  impactY: number;
}): { cost: number; bps: number; participation: number; impact: number } {
  const participation = args.tradeValue / (args.price * args.advShares);
  const impact = args.impactY * args.sigma * Math.sqrt(participation);
  const rate = (args.halfSpreadBps + args.feeBps) / 1e4 + impact;
  return { cost: args.tradeValue * rate, bps: rate * 1e4, participation, impact };
}
