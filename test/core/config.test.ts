import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig, environmentOverrides, loadConfig } from '../../src/core/config.ts';
import { InvalidInputError } from '../../src/core/errors.ts';

describe('config', () => {
  it('takes its defaults from the seeds', () => {
    const c = defaultConfig();
    expect(c.ml.prediction_horizon).toBe(5);
    expect(c.ml.confidence_threshold).toBe(0.55);
    expect(c.ml.xgb_params.n_estimators).toBe(300);
    expect(c.ml.xgb_params.min_child_weight).toBe(5);
    expect(c.research.horizons).toEqual([1, 5, 21, 63]);
    expect(c.risk.lookback).toBe(504);
    expect(c.data.synthetic.stocks).toBe(1500);
    expect(c.data.synthetic.days).toBe(2520);
    expect(c.server.host).toBe('127.0.0.1');
    expect(Object.isFrozen(c.ml.xgb_params)).toBe(true);
  });

  it('reads ALPHALAB_<SECTION>__<KEY> overrides as YAML scalars', () => {
    const env = {
      ALPHALAB_ML__PREDICTION_HORIZON: '3',
      ALPHALAB_ML__XGB_PARAMS__N_ESTIMATORS: '500',
      ALPHALAB_RESEARCH__HORIZONS: '[1, 21]',
      ALPHALAB_DB_URL: 'postgres://x@h/db',
      ALPHALAB_TEST_PG_URL: 'ignored',
    };
    expect(environmentOverrides(env)).toEqual({
      ml: { prediction_horizon: 3, xgb_params: { n_estimators: 500 } },
      research: { horizons: [1, 21] },
      store: { db_url: 'postgres://x@h/db' },
    });
    const c = loadConfig({ env, file: writeTemp('ml:\n  prediction_horizon: 10\n  up_threshold: 0.02\n') });
    expect(c.ml.prediction_horizon).toBe(3); // environment beats file
    expect(c.ml.up_threshold).toBe(0.02); // file beats defaults
    expect(c.ml.xgb_params.n_estimators).toBe(500);
    expect(c.ml.xgb_params.max_depth).toBe(6); // defaults fill the rest of a section
  });

  it('applies CLI overrides last', () => {
    const c = loadConfig({
      env: { ALPHALAB_ML__PREDICTION_HORIZON: '3' },
      overrides: { ml: { prediction_horizon: 7 } },
    });
    expect(c.ml.prediction_horizon).toBe(7);
  });

  it('rejects unknown keys and bad values with a message that names them', () => {
    expect(() => loadConfig({ env: {}, file: writeTemp('ml:\n  predicton_horizon: 3\n') })).toThrow(
      /predicton_horizon/,
    );
    expect(() => loadConfig({ env: { ALPHALAB_ML__CONFIDENCE_THRESHOLD: '1.5' } })).toThrow(
      /ml\.confidence_threshold/,
    );
    expect(() => loadConfig({ env: {}, file: writeTemp('ml: [1, 2') })).toThrow(InvalidInputError);
    expect(() => loadConfig({ env: {}, file: '/nonexistent/alphalab.yaml' })).toThrow(/cannot read/);
  });
});

function writeTemp(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'alphalab-config-'));
  const file = join(dir, 'alphalab.yaml');
  writeFileSync(file, text);
  return file;
}
