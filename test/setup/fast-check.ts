/**
 * fast-check's seed for every property of the run. With FC_SEED set (`.ci/run` sets a fixed one) every
 * property draws the same cases on every run, so CI's verdict does not depend on luck; without it each run
 * draws new cases, which is how a local `npm test` keeps exploring. A failure prints its seed: rerun with
 * `FC_SEED=<seed> npm test` to reproduce it.
 */
import fc from 'fast-check';

const seed = process.env.FC_SEED;
if (seed !== undefined && seed !== '') {
  const n = Number(seed);
  if (!Number.isInteger(n)) throw new Error(`FC_SEED must be an integer, got '${seed}'`);
  fc.configureGlobal({ seed: n });
}
