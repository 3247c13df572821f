/**
 * Split search on one node's histogram, methods.md §9.3 items 4–5 (XGBoost `hist` parity, Appendix A item 1).
 *
 * loss_chg = T(G_L)²/(H_L + λ) + T(G_R)²/(H_R + λ) − T(G)²/(H + λ), with T the L1 soft-threshold by α
 * (identity for α = 0). A candidate is valid when H_L ≥ min_child_weight, H_R ≥ min_child_weight and both are
 * > 0. Forward scan (missing goes right) first; the backward scan (missing goes left, threshold = lower bound
 * of the bin) only when the node has missing values for the feature. Strict ">" keeps the first maximum:
 * lower feature index, forward before backward, first bin in scan order.
 */

export interface SplitParams {
  readonly lambda: number;
  readonly alpha: number;
  readonly minChildWeight: number;
}

/** The best split found so far on a node. `splitBin` s sends bins ≤ s left (s = −1: no non-missing row). */
export interface SplitCandidate {
  lossChg: number;
  feature: number;
  splitBin: number;
  defaultLeft: boolean;
  GL: number;
  HL: number;
  GR: number;
  HR: number;
}

export function emptyCandidate(): SplitCandidate {
  return {
    lossChg: Number.NEGATIVE_INFINITY,
    feature: -1,
    splitBin: 0,
    defaultLeft: false,
    GL: 0,
    HL: 0,
    GR: 0,
    HR: 0,
  };
}

/** XGBoost ThresholdL1: sign(G)·max(|G| − α, 0). */
export function thresholdL1(G: number, alpha: number): number {
  if (G > alpha) return G - alpha;
  if (G < -alpha) return G + alpha;
  return 0;
}

/** The un-halved structure score T(G)²/(H + λ) of a node. */
export function nodeGain(G: number, H: number, p: SplitParams): number {
  const t = p.alpha === 0 ? G : thresholdL1(G, p.alpha);
  return (t * t) / (H + p.lambda);
}

/** The optimal leaf weight −T(G)/(H + λ) (before the learning rate). */
export function leafWeight(G: number, H: number, p: SplitParams): number {
  return -(p.alpha === 0 ? G : thresholdL1(G, p.alpha)) / (H + p.lambda);
}

/**
 * Scans feature `f` (histogram slots hist[histBase …], nb bins then the missing slot) of a node with totals
 * (G, H) and updates `best` in place when a strictly better valid candidate appears.
 */
export function evaluateFeatureSplits(
  hist: Float64Array,
  histBase: number,
  nb: number,
  f: number,
  G: number,
  H: number,
  parentGain: number,
  p: SplitParams,
  best: SplitCandidate,
): void {
  const mcw = p.minChildWeight;
  const lambda = p.lambda;
  const alpha0 = p.alpha === 0;
  let GL = 0;
  let HL = 0;
  for (let b = 0; b < nb; b++) {
    const hb = hist[histBase + 2 * b + 1]!;
    // An empty bin repeats the previous candidate, which strict ">" would never prefer: skip it.
    if (hb === 0) continue;
    GL += hist[histBase + 2 * b]!;
    HL += hb;
    const GR = G - GL;
    const HR = H - HL;
    if (HL >= mcw && HR >= mcw && HL > 0 && HR > 0) {
      const chg =
        (alpha0
          ? (GL * GL) / (HL + lambda) + (GR * GR) / (HR + lambda)
          : nodeGain(GL, HL, p) + nodeGain(GR, HR, p)) - parentGain;
      if (chg > best.lossChg) set(best, chg, f, b, false, GL, HL, GR, HR);
    }
  }
  // The missing slot's hessian is > 0 iff the node has missing rows: every sampled row has h ≥ 1e-16.
  if (!(hist[histBase + 2 * nb + 1]! > 0)) return;
  let GRb = 0;
  let HRb = 0;
  for (let b = nb - 1; b >= 0; b--) {
    const hb = hist[histBase + 2 * b + 1]!;
    if (hb === 0) continue;
    GRb += hist[histBase + 2 * b]!;
    HRb += hb;
    const GLb = G - GRb;
    const HLb = H - HRb;
    if (HLb >= mcw && HRb >= mcw && HLb > 0 && HRb > 0) {
      const chg =
        (alpha0
          ? (GLb * GLb) / (HLb + lambda) + (GRb * GRb) / (HRb + lambda)
          : nodeGain(GLb, HLb, p) + nodeGain(GRb, HRb, p)) - parentGain;
      if (chg > best.lossChg) set(best, chg, f, b - 1, true, GLb, HLb, GRb, HRb);
    }
  }
}

function set(
  c: SplitCandidate,
  chg: number,
  f: number,
  s: number,
  dl: boolean,
  GL: number,
  HL: number,
  GR: number,
  HR: number,
) {
  c.lossChg = chg;
  c.feature = f;
  c.splitBin = s;
  c.defaultLeft = dl;
  c.GL = GL;
  c.HL = HL;
  c.GR = GR;
  c.HR = HR;
}
