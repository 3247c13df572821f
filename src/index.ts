/**
 * alphalab's public API. Everything exported here is what users and examples may rely on; the rest is
 * internal (style.md habit 10). Signatures are documented in docs/api.md and docs/api/*.md.
 */

export * from './backtest/index.ts';
export * from './compute/bullmq/index.ts';
export * from './compute/index.ts';
export * from './compute/schedule/index.ts';
export * from './core/index.ts';
export * from './data/index.ts';
export * from './linalg/index.ts';
export * from './ml/features/index.ts';
export * from './ml/index.ts';
export * from './ml/strategy/index.ts';
export * from './monitor/index.ts';
export * from './pipeline/index.ts';
export * from './portfolio/index.ts';
export * from './report/index.ts';
export * from './research/index.ts';
export * from './risk/index.ts';
export * from './server/index.ts';
export * from './signals/index.ts';
export * from './stats/index.ts';
export * from './store/index.ts';
