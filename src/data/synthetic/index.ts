export { EVENT_FIELDS, FORWARD_FILLED_PANELS } from './events.ts';
export { generateSyntheticMarket, syntheticTicker } from './generate.ts';
export { MARKET_PANELS } from './market.ts';
export type { ResolvedSyntheticOptions, SyntheticOptions } from './options.ts';
export { MAX_SYNTHETIC_CELLS, resolveSyntheticOptions, SYNTHETIC_DEFAULTS } from './options.ts';
export * as syntheticParameters from './parameters.ts';
export type { SyntheticMarket, SyntheticTruth } from './types.ts';
