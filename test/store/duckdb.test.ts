import { describe } from 'vitest';
import { featureStoreSuite } from './conformance/features.suite.ts';
import { duckdbFactory } from './conformance/harness.ts';
import { registrySuite } from './conformance/registry.suite.ts';

describe('store conformance on DuckDB', () => {
  const f = duckdbFactory();
  describe('feature store', () => featureStoreSuite(f, 40));
  describe('model registry and monitoring tables', () => registrySuite(f));
});
