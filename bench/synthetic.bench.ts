import { generateSyntheticMarket } from '../src/data/synthetic/index.ts';
import { defineBenchmarks } from './harness.ts';

/** CPU time of `fn` in ms (user + system), reported beside wall time because the bench machine is shared. */
function cpuMs(fn: () => void): number {
  const c0 = process.cpuUsage();
  fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

/** Generation of seed 002's default market (1500 × 2520) and a mid-size one; wall time and peak RSS. */
export default defineBenchmarks([
  {
    name: 'data.synthetic.generate',
    size: '1500x2520',
    target: '≤ 3 s wall',
    run() {
      let events = 0;
      const cpu = cpuMs(() => {
        events = generateSyntheticMarket({ stocks: 1500, days: 2520, seed: 42 }).universe.events.value.length;
      });
      return { cpuMs: cpu, cells: 1500 * 2520, events };
    },
  },
  {
    name: 'data.synthetic.generate-shared',
    size: '1500x2520 shared',
    target: '≤ 3 s wall',
    run() {
      return {
        cpuMs: cpuMs(() => generateSyntheticMarket({ stocks: 1500, days: 2520, seed: 42, shared: true })),
      };
    },
  },
  {
    name: 'data.synthetic.generate-mid',
    size: '500x1260',
    run() {
      const cpu = cpuMs(() => generateSyntheticMarket({ stocks: 500, days: 1260, seed: 7 }));
      return { cpuMs: cpu, nsCpuPerCell: (cpu * 1e6) / (500 * 1260) };
    },
  },
]);
