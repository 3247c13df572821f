/**
 * alphalab's public API. Everything exported here is what users and examples may rely on; the rest is
 * internal (style.md habit 10). Signatures are documented in docs/api.md.
 */
export * from './core/index.ts';
