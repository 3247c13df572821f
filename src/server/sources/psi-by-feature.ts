/**
 * Per-feature PSI (methods.md §9.8) from a drift_metrics row's `details` JSON. The monitor (src/monitor)
 * writes the per-feature values there as `{ psi: [{ feature, psi, n_baseline, n_current, eligible }] }`
 * (src/monitor/run-day.ts `metricsDetails`); other shapes read are, in order: `{ psiByFeature: { f: psi } }`, `{ psi_by_feature: { f: psi } }`, `{ psi: { f: psi } }` and
 * `{ features: { f: { psi } } }`. Non-numbers are missing (NaN), never 0.
 */
import type { JsonValue } from '../../store/features/types.ts';

type Obj = { [k: string]: JsonValue };
const isObj = (v: JsonValue | undefined): v is Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const toNum = (v: JsonValue | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : Number.NaN);

export function psiByFeature(details: JsonValue): Map<string, number> {
  const out = new Map<string, number>();
  if (!isObj(details)) return out;
  const list = details.psi;
  if (Array.isArray(list)) {
    for (const x of list) if (isObj(x) && typeof x.feature === 'string') out.set(x.feature, toNum(x.psi));
    return out;
  }
  for (const key of ['psiByFeature', 'psi_by_feature', 'psi'] as const) {
    const m = details[key];
    if (isObj(m)) {
      for (const [f, v] of Object.entries(m)) out.set(f, toNum(v));
      return out;
    }
  }
  const feats = details.features;
  if (isObj(feats)) for (const [f, v] of Object.entries(feats)) if (isObj(v)) out.set(f, toNum(v.psi));
  return out;
}
