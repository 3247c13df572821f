import { describe, expect, it } from 'vitest';
import { dropDependentRows, neutralityConstraints } from '../../src/portfolio/constraints.ts';

describe('dropDependentRows', () => {
  const sectorOf = Int32Array.from([0, 0, 1, 1, 2, 2, 2]);
  const beta = Float64Array.from([1, 0.5, 1.2, 0.9, 1.1, 0.7, 1.3]);
  const rows = () => neutralityConstraints({ n: 7, dollar: true, sectorOf, beta });

  it('drops the sector row that the dollar row and the other sectors span, and keeps beta', () => {
    const { kept, dropped } = dropDependentRows(rows());
    expect(kept.map((c) => c.name)).toEqual(['dollar', 'sector:0', 'sector:1', 'beta']);
    expect(dropped).toEqual(['sector:2']);
  });

  it('answers a repeat of the same rows in new arrays with those arrays, and recomputes when a row changes', () => {
    const first = dropDependentRows(rows());
    const again = rows();
    const second = dropDependentRows(again);
    expect(second.kept.map((c) => c.name)).toEqual(first.kept.map((c) => c.name));
    expect(second.kept[0]).toBe(again[0]);
    expect(second.dropped).toEqual(first.dropped);
    // beta made equal to the dollar row: now dependent
    const changed = rows().map((c) =>
      c.name === 'beta' ? { name: 'beta', row: new Float64Array(7).fill(1) } : c,
    );
    expect(dropDependentRows(changed).dropped).toEqual(['sector:2', 'beta']);
    // renamed rows are not taken for the same set
    const renamed = rows().map((c) => ({ ...c, name: `x-${c.name}` }));
    expect(dropDependentRows(renamed).kept.map((c) => c.name)).toEqual([
      'x-dollar',
      'x-sector:0',
      'x-sector:1',
      'x-beta',
    ]);
    // and the first set again, after the others
    expect(dropDependentRows(rows()).dropped).toEqual(['sector:2']);
  });
});
