/**
 * Tree-structured Parzen Estimator sampler with Optuna's defaults, methods.md §9.6 [S9]:
 * 10 random start-up trials; afterwards, per parameter independently, the finished trials are sorted by
 * objective, the best γ(n) = min(⌈0.1 n⌉, 25) form the "good" group, l(x) and g(x) are Parzen mixtures of
 * the good and the other trials (each group in trial order, for the weight ramp), 24 candidates are drawn
 * from l and the one maximising ln l(x) − ln g(x) is proposed. Log-scale parameters live in log space;
 * integers use step 1.
 *
 * Seeded and deterministic: trial t draws from Rng(deriveSeed(seed, 'tpe', t, name)), so a given history
 * always yields the same proposal (running trials in parallel changes the history, hence the results).
 */
import { InvalidInputError } from '../../core/errors.ts';
import { deriveSeed, Rng } from '../../core/rng.ts';
import { buildParzenEstimator, logPdfParzen, sampleParzen, tpeGamma } from './parzen.ts';

export interface ParamSpec {
  readonly name: string;
  readonly type: 'float' | 'int';
  readonly low: number;
  readonly high: number;
  /** Sample on a log scale (float parameters with low > 0). */
  readonly log?: boolean;
}

export type ParamValues = Readonly<Record<string, number>>;

export interface TpeOptions {
  readonly seed: number;
  readonly nStartupTrials?: number;
  readonly nEiCandidates?: number;
  readonly priorWeight?: number;
}

export interface Trial {
  readonly number: number;
  readonly params: ParamValues;
  readonly value: number;
}

export function checkSearchSpace(space: readonly ParamSpec[]): void {
  const seen = new Set<string>();
  for (const p of space) {
    if (seen.has(p.name)) throw new InvalidInputError(`search space repeats parameter '${p.name}'`);
    seen.add(p.name);
    if (!(Number.isFinite(p.low) && Number.isFinite(p.high) && p.low <= p.high)) {
      throw new InvalidInputError(`parameter '${p.name}' needs finite low ≤ high, got [${p.low}, ${p.high}]`);
    }
    if (p.type === 'int' && !(Number.isInteger(p.low) && Number.isInteger(p.high))) {
      throw new InvalidInputError(`integer parameter '${p.name}' needs integer bounds`);
    }
    if (p.log && !(p.low > 0)) throw new InvalidInputError(`log-scale parameter '${p.name}' needs low > 0`);
    if (p.log && p.type === 'int')
      throw new InvalidInputError(`log-scale integer parameter '${p.name}' is not supported`);
  }
}

const toInternal = (p: ParamSpec, v: number) => (p.log ? Math.log(v) : v);
const fromInternal = (p: ParamSpec, v: number) =>
  p.log ? Math.min(p.high, Math.max(p.low, Math.exp(v))) : v;

/** Ask/tell TPE sampler over a fixed search space. */
export class TpeSampler {
  readonly space: readonly ParamSpec[];
  private readonly seed: number;
  private readonly nStartup: number;
  private readonly nCandidates: number;
  private readonly priorWeight: number;
  private readonly finished: Trial[] = [];
  private asked = 0;

  constructor(space: readonly ParamSpec[], options: TpeOptions) {
    checkSearchSpace(space);
    if (!Number.isSafeInteger(options.seed))
      throw new InvalidInputError(`TPE seed must be a safe integer, got ${options.seed}`);
    this.space = space;
    this.seed = options.seed;
    this.nStartup = options.nStartupTrials ?? 10;
    this.nCandidates = options.nEiCandidates ?? 24;
    this.priorWeight = options.priorWeight ?? 1;
  }

  get trials(): readonly Trial[] {
    return this.finished;
  }

  /** The best finished trial (lowest value; the earliest on ties), or undefined. */
  get best(): Trial | undefined {
    let b: Trial | undefined;
    for (const t of this.finished) if (!b || t.value < b.value) b = t;
    return b;
  }

  /** Proposes the parameters of the next trial and returns them with its number. */
  ask(): { number: number; params: ParamValues } {
    const number = this.asked++;
    const params: Record<string, number> = {};
    const n = this.finished.length;
    for (const p of this.space) {
      const rng = new Rng(deriveSeed(this.seed, 'tpe', number, p.name));
      params[p.name] = n < this.nStartup ? this.sampleRandom(p, rng) : this.sampleTpe(p, rng);
    }
    return { number, params };
  }

  /** Records a finished trial. NaN or infinite values count as the worst (they never join the good group). */
  tell(number: number, params: ParamValues, value: number): void {
    this.finished.push({ number, params, value: Number.isFinite(value) ? value : Number.POSITIVE_INFINITY });
  }

  private sampleRandom(p: ParamSpec, rng: Rng): number {
    if (p.type === 'int') return p.low + rng.int(p.high - p.low + 1);
    if (p.log) return fromInternal(p, Math.log(p.low) + rng.uniform() * (Math.log(p.high) - Math.log(p.low)));
    return p.low + rng.uniform() * (p.high - p.low);
  }

  private sampleTpe(p: ParamSpec, rng: Rng): number {
    const sorted = [...this.finished].sort((a, b) => a.value - b.value || a.number - b.number);
    const nBelow = tpeGamma(sorted.length);
    const byNumber = (a: Trial, b: Trial) => a.number - b.number;
    const below = sorted.slice(0, nBelow).sort(byNumber);
    const above = sorted.slice(nBelow).sort(byNumber);
    const low = toInternal(p, p.low);
    const high = toInternal(p, p.high);
    const step = p.type === 'int' ? 1 : 0;
    const obs = (ts: Trial[]) => Float64Array.from(ts, (t) => toInternal(p, t.params[p.name]!));
    const l = buildParzenEstimator(obs(below), low, high, step, this.priorWeight);
    const g = buildParzenEstimator(obs(above), low, high, step, this.priorWeight);
    let best = Number.NaN;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < this.nCandidates; c++) {
      const x = sampleParzen(l, rng);
      const score = logPdfParzen(l, x) - logPdfParzen(g, x);
      if (score > bestScore || Number.isNaN(best)) {
        bestScore = score;
        best = x;
      }
    }
    return fromInternal(p, best);
  }
}

export interface TpeResult {
  readonly best: Trial;
  readonly trials: readonly Trial[];
}

/** Minimises `objective` over `space` with `nTrials` sequential TPE trials. */
export async function tpeMinimize(
  objective: (params: ParamValues, trialNumber: number) => number | Promise<number>,
  space: readonly ParamSpec[],
  nTrials: number,
  options: TpeOptions,
): Promise<TpeResult> {
  if (!(Number.isInteger(nTrials) && nTrials >= 1))
    throw new InvalidInputError(`number of trials must be an integer ≥ 1, got ${nTrials}`);
  const sampler = new TpeSampler(space, options);
  for (let t = 0; t < nTrials; t++) {
    const { number, params } = sampler.ask();
    sampler.tell(number, params, await objective(params, number));
  }
  return { best: sampler.best!, trials: sampler.trials };
}
