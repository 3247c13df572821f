/**
 * Insider transactions (Form 4 style): per stock about three a year on random trading days, 35 % buys,
 * sizes around 0.02 % of shares outstanding (log-normal). The transaction happens during the session
 * (event_time 30 min – 6.5 h before the close) and is filed 0–2 business days later at a random hour,
 * always after the transaction (methods.md §10: the filing timestamp is the availability). Two facts per
 * transaction: `insider_shares` (signed: + bought, − sold) and `insider_value` (signed shares × close of the
 * transaction day). They carry no return signal by design (parameters.ts EFFECTS.insider = 0).
 */
import { deriveSeed, Rng } from '../../core/rng.ts';
import type { EventBuffer } from './events.ts';
import { FIELD_INDEX as F } from './events.ts';
import { addWeekdays, MS_PER_DAY, MS_PER_HOUR } from './schedule.ts';

const MEAN_GAP_DAYS = 84;
const BUY_SHARE = 0.35;

export function simulateInsiders(
  seed: number,
  closes: Float64Array,
  close: Float64Array,
  marketCap: Float64Array,
  N: number,
  out: EventBuffer,
): void {
  const T = closes.length;
  for (let i = 0; i < N; i++) {
    const r = new Rng(deriveSeed(seed, 'insider', i));
    for (let d = Math.floor(-Math.log(1 - r.uniform()) * MEAN_GAP_DAYS); d < T; ) {
      const sign = r.uniform() < BUY_SHARE ? 1 : -1;
      const fraction = Math.exp(-8.5 + r.normal());
      const eventTime = closes[d]! - Math.round((0.5 + 6 * r.uniform()) * MS_PER_HOUR);
      const filedDay = addWeekdays(Math.floor(closes[d]! / MS_PER_DAY), r.int(3));
      let available = filedDay * MS_PER_DAY + Math.round((12 + 11.9 * r.uniform()) * MS_PER_HOUR);
      if (available <= eventTime) available = eventTime + 30 * 60_000;
      const price = close[d * N + i]!;
      const shares = Math.round((sign * fraction * marketCap[d * N + i]!) / price);
      if (Number.isFinite(shares) && shares !== 0) {
        out.push(i, F.insider_shares, eventTime, available, shares);
        out.push(i, F.insider_value, eventTime, available, shares * price);
      }
      d += 1 + Math.floor(-Math.log(1 - r.uniform()) * MEAN_GAP_DAYS);
    }
  }
}
