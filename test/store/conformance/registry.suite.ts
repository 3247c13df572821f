/** Model-registry and monitoring-table conformance suite, run on every engine. */
import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ConflictError, IntegrityError, InvalidInputError, NotFoundError } from '../../../src/core/errors.ts';
import { type StoreFactory, withStore } from './harness.ts';

/** A clock the test moves by hand. */
function manualClock(start: number) {
  let t = start;
  return { now: () => t, set: (v: number) => (t = v) };
}

export function registrySuite(f: StoreFactory): void {
  it('auto-increments versions per name, also under concurrent registrations', () =>
    withStore(f, async ({ registry }) => {
      const a1 = await registry.register('momentum_xgb', { strategyType: 'momentum', description: 'first' });
      const b1 = await registry.register('other');
      const many = await Promise.all(
        Array.from({ length: 8 }, () => registry.register('momentum_xgb', { strategyType: 'momentum' })),
      );
      expect(a1.version).toBe(1);
      expect(b1.version).toBe(1);
      expect(many.map((m) => m.version).sort((x, y) => x - y)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
      expect((await registry.getModel('momentum_xgb'))?.version).toBe(9);
      expect((await registry.getModel('momentum_xgb', 1))?.description).toBe('first');
      expect(await registry.getModel('momentum_xgb', 99)).toBeNull();
      await expect(registry.requireModel('nope')).rejects.toBeInstanceOf(NotFoundError);
      expect((await registry.listModels()).map((m) => [m.name, m.version])).toEqual([
        ['momentum_xgb', 9],
        ['other', 1],
      ]);
      await expect(registry.register('bad name!')).rejects.toBeInstanceOf(InvalidInputError);
    }));

  it('logs metrics per dataset type and finds the best model (NaN never wins, latest value counts)', () =>
    withStore(f, async ({ registry }) => {
      const m1 = await registry.register('mom', { strategyType: 'momentum' });
      const m2 = await registry.register('mom', { strategyType: 'momentum' });
      const m3 = await registry.register('mr', { strategyType: 'mean_reversion' });
      await registry.logMetrics(m1.modelId, { sharpe_ratio: 1.35, ic: 0.035 }, 'test');
      await registry.logMetrics(m1.modelId, { sharpe_ratio: 1.65 }, 'backtest');
      await registry.logMetrics(m2.modelId, { sharpe_ratio: 2.0 }, 'test');
      await registry.logMetrics(m2.modelId, { sharpe_ratio: 1.1 }, 'test'); // re-evaluated: latest counts
      await registry.logMetrics(m3.modelId, { sharpe_ratio: 9 }, 'test');
      await registry.logMetrics(m2.modelId, { ic: Number.NaN }, 'test');
      const best = await registry.getBestModel('momentum', 'sharpe_ratio', 'test', true);
      expect(best?.model.version).toBe(1);
      expect(best?.value).toBe(1.35);
      expect(best?.metrics).toEqual({ sharpe_ratio_test: 1.35, ic_test: 0.035, sharpe_ratio_backtest: 1.65 });
      expect((await registry.getBestModel('momentum', 'sharpe_ratio', 'test', false))?.model.version).toBe(2);
      expect((await registry.getBestModel('momentum', 'ic', 'test', false))?.model.version).toBe(1);
      expect(await registry.getBestModel('momentum', 'sortino', 'test')).toBeNull();
      const metrics = await registry.getMetrics(m2.modelId);
      expect(Number.isNaN(metrics.find((m) => m.metricName === 'ic')!.value)).toBe(true);
      await expect(registry.logMetrics(m1.modelId, { x: 1 }, 'holdout' as never)).rejects.toBeInstanceOf(
        InvalidInputError,
      );
      await expect(
        registry.logMetrics(m1.modelId, { x: Number.POSITIVE_INFINITY }, 'test'),
      ).rejects.toBeInstanceOf(InvalidInputError);
      await expect(registry.logMetrics('no-such-id', { x: 1 }, 'test')).rejects.toBeInstanceOf(NotFoundError);
    }));

  it('stores artifacts content-addressed, verifies them on load and refuses tampered or truncated ones', () =>
    withStore(f, async ({ registry, artifacts, workspace }) => {
      const m = await registry.register('gbdt');
      const src = join(workspace, 'weights.bin');
      writeFileSync(src, Buffer.from('model weights v1 '.repeat(100)));
      const art = await registry.logArtifact(m.modelId, src, 'weights');
      expect(art.sizeBytes).toBe(1700);
      expect(art.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(artifacts.pathOf(art.sha256)).toContain(
        join('artifacts', 'sha256', art.sha256.slice(0, 2), art.sha256),
      );
      const cfg = await registry.logArtifact(
        m.modelId,
        { name: 'config.json', data: '{"depth":6}' },
        'config',
      );
      expect((await registry.loadArtifact(art.artifactId)).toString()).toBe('model weights v1 '.repeat(100));
      expect((await registry.loadModelArtifact(m.modelId, 'config')).toString()).toBe('{"depth":6}');
      expect((await registry.listArtifacts(m.modelId)).map((a) => a.artifactType).sort()).toEqual([
        'config',
        'weights',
      ]);
      // Tamper with the stored blob (same size, different bytes): refused.
      writeFileSync(artifacts.pathOf(cfg.sha256), '{"depth":9}');
      await expect(registry.loadArtifact(cfg.artifactId)).rejects.toBeInstanceOf(IntegrityError);
      // Truncate the other blob: refused.
      truncateSync(artifacts.pathOf(art.sha256), 100);
      await expect(registry.loadArtifact(art.artifactId)).rejects.toThrow(/100 bytes, 1700 were recorded/);
      await expect(registry.loadArtifact('missing')).rejects.toBeInstanceOf(NotFoundError);
    }));

  it('records training runs with parameters, dataset range, data fingerprint, code version and status', () =>
    withStore(f, async ({ registry }) => {
      const runId = await registry.startTrainingRun(null, {
        params: { max_depth: 6, learning_rate: 0.05 },
        datasetStart: '2020-01-01',
        datasetEnd: '2023-12-29',
        dataFingerprint: 'f'.repeat(64),
        codeVersion: 'deadbeef',
      });
      const m = await registry.register('gbdt', { params: { seed: 42 } });
      await registry.finishTrainingRun(runId, 'completed', { modelId: m.modelId });
      await expect(registry.finishTrainingRun(runId, 'failed')).rejects.toBeInstanceOf(ConflictError);
      const runs = await registry.getTrainingRuns(m.modelId);
      expect(runs).toHaveLength(2);
      const main = runs.find((r) => r.runId === runId)!;
      expect(main).toMatchObject({
        status: 'completed',
        params: { max_depth: 6, learning_rate: 0.05 },
        dataFingerprint: 'f'.repeat(64),
        codeVersion: 'deadbeef',
        datasetStart: Date.parse('2020-01-01T21:00:00Z'),
        datasetEnd: Date.parse('2023-12-29T21:00:00Z'),
      });
      expect(runs.find((r) => r.runId !== runId)?.params).toEqual({ seed: 42 });
      await expect(registry.startTrainingRun(null, { datasetStart: '2020-01-01 10:00' })).rejects.toThrow(
        /no time zone/,
      );
    }));

  it('promotes, rolls back and answers which version was active at any time, who changed it and why', async () => {
    const clock = manualClock(Date.UTC(2024, 0, 1));
    await withStore(
      f,
      async ({ registry }) => {
        for (let k = 0; k < 3; k++) await registry.register('ml_signal');
        expect(await registry.getActive('ml_signal')).toBeNull();
        await expect(registry.rollback('ml_signal', { by: 'ops' })).rejects.toBeInstanceOf(ConflictError);
        clock.set(Date.UTC(2024, 0, 2));
        await registry.promote('ml_signal', 1, { by: 'alice', reason: 'first deploy' });
        clock.set(Date.UTC(2024, 0, 10));
        await registry.promote('ml_signal', 2, { by: 'retrain_job', reason: 'weekly retrain' });
        clock.set(Date.UTC(2024, 0, 12));
        await registry.promote('ml_signal', 3, { by: 'retrain_job', reason: 'weekly retrain' });
        clock.set(Date.UTC(2024, 0, 13));
        const rb = await registry.rollback('ml_signal', { by: 'bob', reason: 'IC below 0.01' });
        expect(rb.version).toBe(2);
        expect((await registry.getActive('ml_signal'))?.version).toBe(2);
        const versions = await registry.listVersions('ml_signal');
        expect(versions.map((v) => [v.version, v.active])).toEqual([
          [1, false],
          [2, true],
          [3, false],
        ]);
        // Rolling back again goes to the version active before the current activation (3).
        clock.set(Date.UTC(2024, 0, 14));
        expect((await registry.rollback('ml_signal', { by: 'bob' })).version).toBe(3);
        clock.set(Date.UTC(2024, 0, 15));
        expect(
          (await registry.rollback('ml_signal', { by: 'bob', toVersion: 1, reason: 'known good' })).version,
        ).toBe(1);
        await expect(registry.promote('ml_signal', 7, { by: 'x' })).rejects.toBeInstanceOf(NotFoundError);
        await expect(registry.promote('ml_signal', 1, { by: '' })).rejects.toBeInstanceOf(InvalidInputError);
        const at = async (d: number) =>
          (await registry.getActive('ml_signal', Date.UTC(2024, 0, d, 12)))?.version ?? null;
        expect([
          await at(1),
          await at(2),
          await at(11),
          await at(12),
          await at(13),
          await at(14),
          await at(20),
        ]).toEqual([null, 1, 2, 3, 2, 3, 1]);
        const hist = await registry.history('ml_signal');
        expect(hist.map((h) => [h.action, h.version, h.changedBy, h.reason])).toEqual([
          ['promote', 1, 'alice', 'first deploy'],
          ['promote', 2, 'retrain_job', 'weekly retrain'],
          ['promote', 3, 'retrain_job', 'weekly retrain'],
          ['rollback', 2, 'bob', 'IC below 0.01'],
          ['rollback', 3, 'bob', null],
          ['rollback', 1, 'bob', 'known good'],
        ]);
        expect(hist[3]!.changedAt).toBe(Date.UTC(2024, 0, 13));
        clock.set(Date.UTC(2024, 0, 21));
        await registry.deactivate('ml_signal', { by: 'ops', reason: 'strategy paused' });
        expect(await registry.getActive('ml_signal')).toBeNull();
      },
      clock.now,
    );
  });

  it('monitoring tables: drift metrics upsert by (date, strategy), alerts and runs', () =>
    withStore(f, async ({ monitoring }) => {
      await monitoring.upsertDriftMetrics({
        date: '2024-03-01',
        strategyId: 's1',
        ic: 0.03,
        psi: Number.NaN,
        icAlert: false,
      });
      await monitoring.upsertDriftMetrics({
        date: '2024-03-01',
        strategyId: 's1',
        ic: 0.005,
        psi: 0.3,
        icAlert: true,
        psiAlert: true,
        details: { n: 480 },
      });
      await monitoring.upsertDriftMetrics({ date: '2024-03-04', strategyId: 's1', sharpe20d: -0.2 });
      await monitoring.upsertDriftMetrics({ date: '2024-03-01', strategyId: 's2', ic: 0.04 });
      const s1 = await monitoring.getDriftMetrics('s1');
      expect(s1).toHaveLength(2);
      expect(s1[0]).toMatchObject({
        date: '2024-03-01',
        ic: 0.005,
        psi: 0.3,
        icAlert: true,
        psiAlert: true,
        details: { n: 480 },
      });
      expect(Number.isNaN(s1[1]!.ic)).toBe(true);
      expect(s1[1]!.sharpe20d).toBe(-0.2);
      expect(await monitoring.getDriftMetrics('s1', { from: '2024-03-02' })).toHaveLength(1);
      await expect(
        monitoring.upsertDriftMetrics({ date: '2024-3-1', strategyId: 's1' }),
      ).rejects.toBeInstanceOf(InvalidInputError);
      const id1 = await monitoring.insertAlert({
        strategyId: 's1',
        rule: 'psi_severe',
        severity: 'severe',
        metric: 'psi',
        value: 0.3,
        threshold: 0.25,
        message: 'PSI 0.30 > 0.25',
        date: '2024-03-01',
      });
      const id2 = await monitoring.insertAlert({
        strategyId: 's2',
        rule: 'ic_low',
        severity: 'warning',
        message: 'IC low',
      });
      expect(id2).toBeGreaterThan(id1);
      const alerts = await monitoring.listAlerts({ strategyId: 's1' });
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({
        rule: 'psi_severe',
        severity: 'severe',
        value: 0.3,
        threshold: 0.25,
        date: '2024-03-01',
      });
      await monitoring.startRun({ runId: 'run-1', kind: 'daily', gitSha: 'abc', config: { a: 1 } });
      expect((await monitoring.getRun('run-1')).status).toBe('running');
      await monitoring.finishRun('run-1', 'failed', 'boom');
      expect(await monitoring.getRun('run-1')).toMatchObject({
        status: 'failed',
        error: 'boom',
        config: { a: 1 },
        gitSha: 'abc',
      });
      await expect(monitoring.getRun('nope')).rejects.toBeInstanceOf(NotFoundError);
    }));
}
