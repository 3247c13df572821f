import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config.ts';
import { volTargetSentence } from '../../src/pipeline/research-report.ts';
import type { SolveRecord } from '../../src/pipeline/walk-forward.ts';

const pc = resolveConfig({}).portfolio;

function solve(over: Partial<SolveRecord>): SolveRecord {
  return {
    method: 'sample',
    status: 'ok',
    names: 10,
    iterations: 5,
    solves: 2,
    totalIterations: 9,
    gamma: 1,
    exAnteVol: 0.1,
    volTargetReached: true,
    ...over,
  };
}

describe('volTargetSentence', () => {
  it('says the target held when every solved book reached it (failed solves are not counted)', () => {
    const records = [{ solves: [solve({}), solve({ status: 'infeasible', volTargetReached: false })] }];
    expect(volTargetSentence(records, pc)).toBe(
      'Volatility target 10.0% (annualised, ex ante): reached in all 1 solved books.',
    );
  });

  it('says how many books the limits capped, and at what risk', () => {
    const records = [
      { solves: [solve({}), solve({ volTargetReached: false, exAnteVol: 0.021 })] },
      {
        solves: [
          solve({ volTargetReached: false, exAnteVol: 0.007 }),
          solve({ volTargetReached: false, exAnteVol: 0.038 }),
        ],
      },
    ];
    expect(volTargetSentence(records, pc)).toBe(
      'Volatility target 10.0% (annualised, ex ante): reached in 1 of 4 solved books. In the other 3 the limits ' +
        '(±0.50% per name, gross ≤ 3×, costs) cap the risk below it; those books take 99 % of the risk the ' +
        'limits allow — ex-ante volatility median 2.1%, range 0.70%–3.8%.',
    );
  });

  it('has nothing to say of books when none was solved', () => {
    expect(volTargetSentence([{ solves: [solve({ status: 'no-model' })] }], pc)).toBe(
      'Volatility target 10.0% (annualised, ex ante): no book was solved.',
    );
  });

  it("in 'cap' mode says where the cap bound (γ raised) and the risk the books took", () => {
    const cap = { ...pc, vol_target_mode: 'cap' as const, gamma: 4 };
    const records = [
      { solves: [solve({ gamma: 4, exAnteVol: 0.06 }), solve({ gamma: 9.5, exAnteVol: 0.1 })] },
      { solves: [solve({ gamma: 4, exAnteVol: 0.03 }), solve({ status: 'not-converged', gamma: 20 })] },
    ];
    expect(volTargetSentence(records, cap)).toBe(
      'Volatility cap 10.0% (annualised, ex ante; vol_target_mode: cap): binding in 1 of 3 solved books (γ ' +
        'raised above 4.00 until the risk met it); the others kept γ = 4.00. Ex-ante volatility median 6.0%, ' +
        'range 3.0%–10.0%.',
    );
  });
});
