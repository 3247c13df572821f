/**
 * A slow, obviously correct exact-greedy twin of the histogram tree (methods.md §9.3 items 3–6) for tiny data
 * with at most max_bin distinct values per feature: candidate thresholds are the distinct values themselves,
 * node sums are recomputed from the rows, nothing is binned, partitioned in place or subtracted.
 */
export interface NaiveNode {
  feature: number;
  threshold: number;
  defaultLeft: boolean;
  gain: number;
  cover: number;
  value: number;
  left: NaiveNode | null;
  right: NaiveNode | null;
}

export interface NaiveParams {
  maxDepth: number;
  minChildWeight: number;
  lambda: number;
  gamma: number;
  eta: number;
}

const f32 = Math.fround;

export function naiveGrow(
  X: number[][],
  g: number[],
  h: number[],
  rows: number[],
  features: number[],
  p: NaiveParams,
): NaiveNode {
  const distinct = features.map((f) => {
    const vals = [
      ...new Set(
        X.map((r) => r[f]!)
          .filter((v) => !Number.isNaN(v))
          .map(f32),
      ),
    ].sort((a, b) => a - b);
    return vals;
  });
  const grow = (node: number[], depth: number): NaiveNode => {
    const G = sum(node.map((r) => g[r]!));
    const H = sum(node.map((r) => h[r]!));
    const score = (a: number, b: number) => (a * a) / (b + p.lambda);
    const leaf: NaiveNode = {
      feature: -1,
      threshold: 0,
      defaultLeft: false,
      gain: 0,
      cover: H,
      value: (-p.eta * G) / (H + p.lambda),
      left: null,
      right: null,
    };
    if (depth >= p.maxDepth) return leaf;
    let best = {
      chg: Number.NEGATIVE_INFINITY,
      f: -1,
      t: 0,
      dl: false,
      L: [] as number[],
      R: [] as number[],
    };
    const consider = (f: number, t: number, dl: boolean) => {
      const L = node.filter((r) => (Number.isNaN(X[r]![f]!) ? dl : f32(X[r]![f]!) < t));
      const R = node.filter((r) => !L.includes(r));
      const GL = sum(L.map((r) => g[r]!));
      const HL = sum(L.map((r) => h[r]!));
      const GR = sum(R.map((r) => g[r]!));
      const HR = sum(R.map((r) => h[r]!));
      if (!(HL >= p.minChildWeight && HR >= p.minChildWeight && HL > 0 && HR > 0)) return;
      const chg = score(GL, HL) + score(GR, HR) - score(G, H);
      if (chg > best.chg) best = { chg, f, t, dl, L, R };
    };
    features.forEach((f, fi) => {
      const v = distinct[fi]!;
      const m = v.length;
      if (m === 0) return;
      const sentinel = f32(v[m - 1]! + Math.abs(v[m - 1]!) + 1e-5);
      // Forward: thresholds v_2 … v_m, sentinel; missing right.
      for (let j = 0; j < m; j++) consider(f, j < m - 1 ? v[j + 1]! : sentinel, false);
      // Backward, only when the node has a missing value of f: thresholds v_m … v_2, −∞; missing left.
      if (node.some((r) => Number.isNaN(X[r]![f]!)))
        for (let j = m - 1; j >= 0; j--) consider(f, j > 0 ? v[j]! : Number.NEGATIVE_INFINITY, true);
    });
    if (!(best.f >= 0 && best.chg > 1e-6 && best.chg >= p.gamma)) return leaf;
    return {
      feature: best.f,
      threshold: best.t,
      defaultLeft: best.dl,
      gain: best.chg,
      cover: H,
      value: 0,
      left: grow(best.L, depth + 1),
      right: grow(best.R, depth + 1),
    };
  };
  return grow(rows, 0);
}

function sum(a: number[]): number {
  let s = 0;
  for (const x of a) s += x;
  return s;
}

export function naivePredict(node: NaiveNode, x: number[]): number {
  let n = node;
  while (n.feature >= 0) {
    const v = x[n.feature]!;
    n = (Number.isNaN(v) ? n.defaultLeft : f32(v) < n.threshold) ? n.left! : n.right!;
  }
  return n.value;
}

/** Naive softmax boosting with base_score 0.5, sample weights w, no sampling; returns margins n × K. */
export function naiveBoost(
  X: number[][],
  y: number[],
  w: number[],
  K: number,
  rounds: number,
  p: NaiveParams,
): { margins: number[][]; trees: NaiveNode[] } {
  const n = X.length;
  const F = X.map(() => new Array<number>(K).fill(0.5));
  const trees: NaiveNode[] = [];
  const features = X[0]!.map((_, f) => f);
  const rows = X.map((_, i) => i);
  for (let r = 0; r < rounds; r++) {
    const P = F.map((row) => {
      const mx = Math.max(...row);
      const e = row.map((v) => Math.exp(v - mx));
      const s = sum(e);
      return e.map((v) => v / s);
    });
    const round: NaiveNode[] = [];
    for (let k = 0; k < K; k++) {
      const g = rows.map((i) => (P[i]![k]! - (y[i] === k ? 1 : 0)) * w[i]!);
      const h = rows.map((i) => Math.max(2 * P[i]![k]! * (1 - P[i]![k]!) * w[i]!, 1e-16));
      round.push(naiveGrow(X, g, h, rows, features, p));
    }
    for (let k = 0; k < K; k++) for (let i = 0; i < n; i++) F[i]![k]! += naivePredict(round[k]!, X[i]!);
    trees.push(...round);
  }
  return { margins: F, trees };
}
