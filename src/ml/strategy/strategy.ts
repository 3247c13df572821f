/**
 * MLSignalStrategy (seed 003): the active model's calibrated probabilities turned into tradeable signals.
 * A row whose top calibrated probability exceeds the confidence threshold (strictly, as the seed) gives LONG
 * for UP and SHORT for DOWN; FLAT gives no signal. Strength = the calibrated probability of the predicted
 * class. Each signal carries a suggested size: fractional Kelly from the calibrated probabilities and the
 * per-class payoffs measured on the training data (kelly.ts), capped at `maxPositionSize`.
 */
import type { AlphalabConfig } from '../../core/config.ts';
import { InvalidInputError } from '../../core/errors.ts';
import { applyOneVsRestPlatt, type OneVsRestCalibrator } from '../calibration/multiclass.ts';
import { assertWhitelistedColumns, type FeatureWhitelist } from '../features/whitelist.ts';
import type { FeatureMatrix } from '../gbdt/matrix.ts';
import type { GbdtModel } from '../gbdt/model.ts';
import { DOWN, FLAT, UP } from '../target.ts';
import { suggestedPositionSize } from './kelly.ts';

/** Everything the strategy needs from a registered model. */
export interface MLModelBundle {
  readonly model: GbdtModel;
  /** One-vs-rest Platt calibrator fitted on a later purged hold-out; null means raw probabilities. */
  readonly calibrator: OneVsRestCalibrator | null;
  readonly whitelist: FeatureWhitelist;
  /** Mean h-day forward return of each class (DOWN, FLAT, UP) on the training rows. */
  readonly payoffs: Float64Array;
  readonly modelName: string;
  readonly modelVersion: number;
}

export interface MLStrategyOptions {
  /** Minimum calibrated probability (strict) for a signal; seed 003: 0.55. */
  readonly confidenceThreshold: number;
  /** A position is held at least this many bars before it may be closed or reversed; seed 003: 3. */
  readonly minHoldDays: number;
  /** Fraction of the Kelly bet (e.g. 0.25 = quarter Kelly). */
  readonly kellyFraction: number;
  /** Cap on one name's weight. */
  readonly maxPositionSize: number;
  /** Cap on the book's gross exposure Σ|w| (weights are scaled down pro rata above it); default 1. */
  readonly maxGross?: number;
}

export function mlStrategyOptionsFromConfig(config: AlphalabConfig): MLStrategyOptions {
  const m = config.ml;
  return {
    confidenceThreshold: m.confidence_threshold,
    minHoldDays: m.min_hold_days,
    kellyFraction: m.kelly_fraction,
    maxPositionSize: m.max_position_size,
  };
}

export type SignalDirection = 'LONG' | 'SHORT';

export interface MLSignal {
  readonly ticker: string;
  readonly date: string;
  readonly direction: SignalDirection;
  /** Calibrated probability of the predicted class. */
  readonly strength: number;
  /** Fraction of NAV (≥ 0; the direction gives the sign): fractional Kelly, capped. */
  readonly suggestedSize: number;
  readonly strategyName: string;
  readonly metadata: {
    readonly predictionClass: number;
    readonly confidence: number;
    readonly probabilities: readonly [number, number, number];
    readonly modelName: string;
    readonly modelVersion: number;
  };
}

export class MLSignalStrategy {
  readonly name = 'MLSignalStrategy';
  readonly description = 'gradient-boosted 3-class prediction (UP/DOWN/FLAT) with calibrated confidence';
  readonly options: Required<MLStrategyOptions>;

  constructor(
    readonly bundle: MLModelBundle,
    options: MLStrategyOptions,
  ) {
    const o = { maxGross: 1, ...options };
    if (!(o.confidenceThreshold >= 0 && o.confidenceThreshold <= 1))
      throw new InvalidInputError(`confidence threshold must be in [0, 1], got ${o.confidenceThreshold}`);
    if (!(Number.isInteger(o.minHoldDays) && o.minHoldDays >= 0))
      throw new InvalidInputError(`min hold days must be an integer ≥ 0, got ${o.minHoldDays}`);
    for (const [k, v] of [
      ['kellyFraction', o.kellyFraction],
      ['maxPositionSize', o.maxPositionSize],
      ['maxGross', o.maxGross],
    ] as const) {
      if (!(v >= 0 && Number.isFinite(v)))
        throw new InvalidInputError(`${k} must be finite and ≥ 0, got ${v}`);
    }
    if (bundle.payoffs.length !== 3)
      throw new InvalidInputError('the model bundle needs one payoff per class (3)');
    this.options = o;
  }

  get minHoldDays(): number {
    return this.options.minHoldDays;
  }

  /** Calibrated probabilities (n × 3); the columns must be exactly the model's frozen whitelist. */
  predictProba(X: FeatureMatrix): Float64Array {
    assertWhitelistedColumns(X.names ?? [], this.bundle.whitelist);
    const P = this.bundle.model.predictProba(X);
    return this.bundle.calibrator ? applyOneVsRestPlatt(this.bundle.calibrator, P) : P;
  }

  /** Signals from calibrated probabilities P (one row per ticker). */
  signalsFromProbabilities(date: string, tickers: readonly string[], P: Float64Array): MLSignal[] {
    if (P.length !== tickers.length * 3)
      throw new InvalidInputError(`${P.length / 3} probability rows for ${tickers.length} tickers`);
    const o = this.options;
    const out: MLSignal[] = [];
    for (let i = 0; i < tickers.length; i++) {
      const q: [number, number, number] = [P[3 * i]!, P[3 * i + 1]!, P[3 * i + 2]!];
      let c = DOWN;
      if (q[FLAT] > q[c]) c = FLAT;
      if (q[UP] > q[c]) c = UP;
      const confidence = q[c];
      if (!(confidence > o.confidenceThreshold) || c === FLAT) continue;
      const dir = c === UP ? 1 : -1;
      out.push({
        ticker: tickers[i]!,
        date,
        direction: dir === 1 ? 'LONG' : 'SHORT',
        strength: confidence,
        suggestedSize: suggestedPositionSize(q, this.bundle.payoffs, dir, o.kellyFraction, o.maxPositionSize),
        strategyName: this.name,
        metadata: {
          predictionClass: c,
          confidence,
          probabilities: q,
          modelName: this.bundle.modelName,
          modelVersion: this.bundle.modelVersion,
        },
      });
    }
    return out;
  }

  /** Signals of one date from its feature rows (row i = tickers[i]). */
  generateSignals(date: string, tickers: readonly string[], X: FeatureMatrix): MLSignal[] {
    if (X.rows !== tickers.length)
      throw new InvalidInputError(`${X.rows} feature rows for ${tickers.length} tickers`);
    return this.signalsFromProbabilities(date, tickers, this.predictProba(X));
  }

  /** A position book that turns successive signals into target weights under the minimum holding period. */
  positionBook(tickers: readonly string[]): PositionBook {
    return new PositionBook(tickers, this.options.minHoldDays, this.options.maxGross);
  }
}

/**
 * Target weights from signals: a name with a signal gets ±suggestedSize, a name without one goes flat — but a
 * position opened at bar t keeps its weight until bar t + minHoldDays (it cannot be closed or reversed
 * earlier). The book is scaled pro rata when Σ|w| exceeds maxGross.
 */
export class PositionBook {
  private readonly index: Map<string, number>;
  readonly weights: Float64Array;
  private readonly entry: Int32Array;

  constructor(
    readonly tickers: readonly string[],
    readonly minHoldDays: number,
    readonly maxGross: number,
  ) {
    this.index = new Map(tickers.map((t, i) => [t, i] as const));
    this.weights = new Float64Array(tickers.length);
    this.entry = new Int32Array(tickers.length).fill(-1);
  }

  /** Applies the signals of bar t and returns a copy of the new target weights. */
  update(t: number, signals: readonly MLSignal[]): Float64Array {
    const want = new Float64Array(this.tickers.length);
    for (const s of signals) {
      const i = this.index.get(s.ticker);
      if (i === undefined)
        throw new InvalidInputError(`signal for unknown ticker ${s.ticker}`, { where: { ticker: s.ticker } });
      want[i] = (s.direction === 'LONG' ? 1 : -1) * (Number.isFinite(s.suggestedSize) ? s.suggestedSize : 0);
    }
    for (let i = 0; i < want.length; i++) {
      const held = this.weights[i]!;
      const locked = held !== 0 && t - this.entry[i]! < this.minHoldDays;
      if (locked) continue;
      const w = want[i]!;
      if (w !== 0 && Math.sign(w) !== Math.sign(held)) this.entry[i] = t;
      if (w === 0) this.entry[i] = -1;
      this.weights[i] = w;
    }
    let gross = 0;
    for (const w of this.weights) gross += Math.abs(w);
    const out = Float64Array.from(this.weights);
    if (gross > this.maxGross && gross > 0)
      for (let i = 0; i < out.length; i++) out[i]! *= this.maxGross / gross;
    return out;
  }
}
