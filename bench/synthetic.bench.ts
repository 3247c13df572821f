import { generateSyntheticMarket } from '../src/data/synthetic/index.ts';
import { defineBenchmarks } from './harness.ts';

/** Generation of seed 002's default market (1500 × 2520) and a mid-size one; wall time and peak RSS. */
export default defineBenchmarks([
  {
    name: 'data.synthetic.generate',
    size: '1500x2520',
    target: '≤ 3 s wall',
    run() {
      const { universe } = generateSyntheticMarket({ stocks: 1500, days: 2520, seed: 42 });
      const cells = universe.dates.length * universe.tickers.length;
      return { cells, events: universe.events.value.length, panels: universe.panels.size };
    },
  },
  {
    name: 'data.synthetic.generate-shared',
    size: '1500x2520 shared',
    target: '≤ 3 s wall',
    run() {
      const { universe } = generateSyntheticMarket({ stocks: 1500, days: 2520, seed: 42, shared: true });
      return { events: universe.events.value.length };
    },
  },
  {
    name: 'data.synthetic.generate-mid',
    size: '500x1260',
    run() {
      const t0 = performance.now();
      const { universe } = generateSyntheticMarket({ stocks: 500, days: 1260, seed: 7 });
      const ms = performance.now() - t0;
      return { nsPerCell: (ms * 1e6) / (universe.dates.length * universe.tickers.length) };
    },
  },
]);
