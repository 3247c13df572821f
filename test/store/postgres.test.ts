import { describe } from 'vitest';
import { featureStoreSuite } from './conformance/features.suite.ts';
import { pgUrl, postgresFactory } from './conformance/harness.ts';
import { registrySuite } from './conformance/registry.suite.ts';

if (!pgUrl) console.warn('skipping the PostgreSQL store conformance suite: ALPHALAB_TEST_PG_URL is not set');

describe.skipIf(!pgUrl)('store conformance on PostgreSQL', () => {
  const f = postgresFactory(pgUrl!);
  describe('feature store', () => featureStoreSuite(f, 30));
  describe('model registry and monitoring tables', () => registrySuite(f));
});
