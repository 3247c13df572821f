import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.ts';
import { evaluateRules, type MetricDay, worstSeverity } from '../../src/monitor/evaluate.ts';
import { DEFAULT_ALERT_RULES, loadAlertRules, parseAlertRules } from '../../src/monitor/rules.ts';
import { decisionLine, exitCodeForSeverity } from '../../src/monitor/run-day.ts';

const dir = mkdtempSync(join(tmpdir(), 'alphalab-rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const defaults = loadAlertRules();
const day = (k: number, values: Record<string, number>): MetricDay => ({
  date: `2024-01-${String(k).padStart(2, '0')}`,
  values,
});
const NaN_ = Number.NaN;

/** Days 1..n with metric `m` taking the given values. */
const series = (m: string, xs: number[], extra: Record<string, number> = {}) =>
  xs.map((v, k) => day(k + 1, { [m]: v, ...extra }));

function run(days: MetricDay[]) {
  return evaluateRules(defaults, days.at(-1)!, days.slice(0, -1), 's');
}

describe('rule files', () => {
  it('the built-in rules encode seed 004’s response matrix and the staleness days come from config', () => {
    expect(defaults.rules.map((r) => [r.name, r.severity])).toEqual([
      ['ic_below_0_02_5d', 'warning'],
      ['ic_below_0_01', 'severe'],
      ['ic_negative_3d', 'critical'],
      ['psi_above_0_10', 'warning'],
      ['psi_above_0_25', 'severe'],
      ['sharpe_below_0_5_10d', 'warning'],
      ['sharpe_negative_5d', 'severe'],
      ['accuracy_below_majority', 'warning'],
      ['model_stale', 'warning'],
    ]);
    expect(loadAlertRules(undefined, { stalenessDays: 30 }).rules.at(-1)!.threshold).toBe(30);
  });
  it('reads a YAML file with defaults filled in', () => {
    const f = join(dir, 'rules.yaml');
    writeFileSync(
      f,
      'rules:\n  - name: ic_low\n    metric: ic\n    condition: below\n    threshold: 0.03\n    severity: severe\n    action: cut risk\n',
    );
    const r = loadAlertRules(f);
    expect(r.rules[0]).toMatchObject({
      name: 'ic_low',
      consecutive_days: 1,
      retrain: false,
      threshold: 0.03,
    });
  });
  it('a bad file is an InvalidInputError naming the file and the key', () => {
    const f = join(dir, 'bad.yaml');
    writeFileSync(
      f,
      'rules:\n  - name: x\n    metric: ic\n    condition: under\n    threshold: 1\n    severity: warning\n    action: a\n',
    );
    expect(() => loadAlertRules(f)).toThrow(InvalidInputError);
    expect(() => loadAlertRules(f)).toThrow(/bad\.yaml: rules\.0\.condition/);
    writeFileSync(f, 'rules: [\n');
    expect(() => loadAlertRules(f)).toThrow(/not valid YAML/);
    expect(() => loadAlertRules(join(dir, 'missing.yaml'))).toThrow(/cannot read/);
    const twice = { rules: [DEFAULT_ALERT_RULES.rules[0]!, DEFAULT_ALERT_RULES.rules[0]!] };
    expect(() => parseAlertRules(twice)).toThrow(/defined twice/);
    expect(() =>
      parseAlertRules({ rules: [{ ...DEFAULT_ALERT_RULES.rules[0]!, threshold: 'psi:*' }] }),
    ).toThrow(/wildcard/);
  });
});

describe('evaluating the response matrix', () => {
  it('IC < 0.02 fires a warning on the 5th consecutive day, not the 4th', () => {
    const base = { ic_5d_avg: 0.03 };
    expect(run(series('ic', [0.015, 0.015, 0.015, 0.015], base))).toEqual([]);
    const a = run(series('ic', [0.05, 0.015, 0.015, 0.015, 0.015, 0.015], base));
    expect(a).toHaveLength(1);
    expect(a[0]).toMatchObject({
      rule: 'ic_below_0_02_5d',
      severity: 'warning',
      consecutive: 5,
      value: 0.015,
    });
    expect(a[0]!.distance).toBeCloseTo(0.005, 15);
  });
  it('NaN is no data: it never alerts and it breaks a streak', () => {
    expect(run(series('ic', [0.01, 0.01, NaN_, 0.01, 0.01, 0.01], { ic_5d_avg: 0.03 }))).toEqual([]);
    const allNaN = day(1, Object.fromEntries(Object.keys(defaults.rules).map((k) => [k, NaN_])));
    expect(evaluateRules(defaults, allNaN, [], 's')).toEqual([]);
    expect(
      run([
        day(1, {
          ic: NaN_,
          ic_5d_avg: NaN_,
          'psi:x': NaN_,
          sharpe_63d: NaN_,
          accuracy: NaN_,
          majority_rate: 0.4,
          model_age_days: NaN_,
        }),
      ]),
    ).toEqual([]);
  });
  it('within the IC group only the most severe firing rule is reported', () => {
    const days = series('ic', [-0.01, -0.02, -0.03, -0.01, -0.02], { ic_5d_avg: -0.018 });
    const a = run(days);
    expect(a.map((x) => [x.rule, x.severity, x.consecutive])).toEqual([['ic_negative_3d', 'critical', 5]]);
    expect(exitCodeForSeverity(worstSeverity(a))).toBe(12);
    expect(decisionLine(a)).toBe(
      'ACTION REQUIRED (critical): pause the strategy, manual review [ic_negative_3d on ic]',
    );
  });
  it('IC 5-batch mean below 0.01 is severe on its first day', () => {
    const a = run([day(1, { ic: 0.05, ic_5d_avg: 0.009 })]);
    expect(a.map((x) => [x.rule, x.severity])).toEqual([['ic_below_0_01', 'severe']]);
    expect(exitCodeForSeverity('severe')).toBe(11);
  });
  it('PSI is judged per feature: warning above 0.10, severe above 0.25 (with retrain)', () => {
    const a = run([day(1, { 'psi:a': 0.05, 'psi:b': 0.12, 'psi:c': 0.3, psi: 0.3 })]);
    expect(a.map((x) => [x.metric, x.severity, x.retrain])).toEqual([
      ['psi:b', 'warning', false],
      ['psi:c', 'severe', true],
    ]);
  });
  it('Sharpe rules need 10 and 5 consecutive days', () => {
    const s = (xs: number[]) => run(series('sharpe_63d', xs));
    expect(s(new Array(9).fill(0.3))).toEqual([]);
    expect(s(new Array(10).fill(0.3)).map((x) => x.rule)).toEqual(['sharpe_below_0_5_10d']);
    expect(s([0.3, 0.3, 0.3, 0.3, 0.3, -0.1, -0.1, -0.1, -0.1, -0.1]).map((x) => x.rule)).toEqual([
      'sharpe_negative_5d',
    ]);
  });
  it('accuracy is compared with the same day’s majority-class rate', () => {
    const a = run([day(1, { accuracy: 0.38, majority_rate: 0.41 })]);
    expect(a[0]).toMatchObject({ rule: 'accuracy_below_majority', threshold: 0.41 });
    expect(a[0]!.distance).toBeCloseTo(0.03, 15);
    expect(run([day(1, { accuracy: 0.42, majority_rate: 0.41 })])).toEqual([]);
    expect(run([day(1, { accuracy: 0.3, majority_rate: NaN_ })])).toEqual([]);
  });
  it('a model older than the staleness threshold is a warning; exactly at it is not', () => {
    expect(run([day(1, { model_age_days: 14 })])).toEqual([]);
    const a = run([day(1, { model_age_days: 15.5 })]);
    expect(a[0]).toMatchObject({ rule: 'model_stale', severity: 'warning', distance: 1.5, retrain: true });
    expect(exitCodeForSeverity(null)).toBe(0);
    expect(decisionLine([])).toMatch(/^OK/);
  });
});
