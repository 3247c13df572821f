import { Rng } from '../src/core/rng.ts';
import { defineBenchmarks } from './harness.ts';

export default defineBenchmarks([
  {
    name: 'core.rng.normal',
    size: '10M normals',
    run() {
      const rng = new Rng(42);
      const out = new Float64Array(10_000_000);
      const t0 = performance.now();
      rng.fillNormal(out);
      return { nsPerNormal: ((performance.now() - t0) * 1e6) / out.length };
    },
  },
]);
