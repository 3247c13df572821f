import { describe } from 'vitest';
import { featureStoreSuite } from './conformance/features.suite.ts';
import { duckdbFactory } from './conformance/harness.ts';

describe('store conformance on DuckDB', () => {
  const f = duckdbFactory();
  describe('feature store', () => featureStoreSuite(f, 25));
});
