/**
 * Adaptive gates (seed 001 P1.1, methods.md §8): each gate is a statistic whose null distribution does not
 * depend on the test window's length n, so short and long windows are judged alike. A gate with a NaN input
 * fails with the reason "no data" rather than passing silently.
 */
import { drawdownGateThreshold, minimumTrades, sharpeGateThreshold } from '../stats/index.ts';
import type { Evaluation } from './evaluate.ts';

export interface GateConfig {
  /** Sharpe as a t-statistic: SR_ann·√(n/252) ≥ tMin. */
  readonly sharpeTMin: number;
  /** NW t of CAPM alpha ≥ alphaTMin. */
  readonly alphaTMin: number;
  /** |β̂| ≤ betaMax + z·SE_NW(β̂). */
  readonly betaMax: number;
  readonly betaZ: number;
  /** Minimum trades N_ref per n_ref bars, scaled: ⌈N_ref·n/n_ref⌉. */
  readonly tradesRef: number;
  readonly tradesRefBars: number;
  /** MaxDD ≥ −DD_ref·√(n/n_ref). */
  readonly drawdownRef: number;
  readonly drawdownRefBars: number;
  /** Annualised two-way turnover ≤ this. */
  readonly maxAnnualTurnover: number;
}

export const DEFAULT_GATES: GateConfig = {
  sharpeTMin: 2,
  alphaTMin: 2,
  betaMax: 0.1,
  betaZ: 2,
  tradesRef: 100,
  tradesRefBars: 252,
  drawdownRef: 0.1,
  drawdownRefBars: 252,
  maxAnnualTurnover: 50,
};

export interface GateResult {
  readonly gate: string;
  readonly value: number;
  readonly threshold: number;
  readonly passed: boolean;
  readonly reason: string;
}

function gate(name: string, value: number, threshold: number, passed: boolean, text: string): GateResult {
  if (!Number.isFinite(value)) return { gate: name, value, threshold, passed: false, reason: 'no data' };
  return { gate: name, value, threshold, passed, reason: text };
}

export function evaluateGates(ev: Evaluation, cfg: GateConfig = DEFAULT_GATES): GateResult[] {
  const n = ev.net.days;
  const srMin = sharpeGateThreshold(cfg.sharpeTMin, n);
  const nMin = minimumTrades(cfg.tradesRef, cfg.tradesRefBars, n);
  const ddMin = drawdownGateThreshold(cfg.drawdownRef, cfg.drawdownRefBars, n);
  const betaLimit = cfg.betaMax + cfg.betaZ * ev.capm.betaStandardError;
  return [
    gate(
      'sharpe',
      ev.net.sharpe,
      srMin,
      ev.net.sharpe >= srMin,
      `annualised Sharpe ≥ ${cfg.sharpeTMin}·√(252/${n})`,
    ),
    gate(
      'alpha_t',
      ev.capm.alphaT,
      cfg.alphaTMin,
      ev.capm.alphaT >= cfg.alphaTMin,
      'Newey–West t of CAPM alpha',
    ),
    gate(
      'beta',
      Math.abs(ev.capm.beta),
      betaLimit,
      Math.abs(ev.capm.beta) <= betaLimit,
      `|β| ≤ ${cfg.betaMax} + ${cfg.betaZ}·SE_NW`,
    ),
    gate(
      'trades',
      ev.trades,
      nMin,
      ev.trades >= nMin,
      `at least ⌈${cfg.tradesRef}·${n}/${cfg.tradesRefBars}⌉ trades`,
    ),
    gate(
      'drawdown',
      ev.net.maxDrawdown,
      ddMin,
      ev.net.maxDrawdown >= ddMin,
      `MaxDD ≥ −${cfg.drawdownRef}·√(${n}/${cfg.drawdownRefBars})`,
    ),
    gate(
      'turnover',
      ev.annualTurnover,
      cfg.maxAnnualTurnover,
      ev.annualTurnover <= cfg.maxAnnualTurnover,
      'annualised two-way turnover',
    ),
  ];
}
