/**
 * Standard normal variates by the ziggurat method (Marsaglia & Tsang 2000, "The Ziggurat Method for
 * Generating Random Variables", J. Stat. Software 5(8); 128 layers, tail start r = 3.442619855899), drawing
 * uniforms from a core `Rng`. About three times faster than Box–Muller, which matters for the ~11 million
 * normals of a 1500 × 2520 market.
 *
 * Doornik (2005) showed that the original code correlates the layer index with the value because both come
 * from the same 32 bits; here the value uses the top 32 bits of a 53-bit uniform and the layer index the
 * next 7 bits, so they are independent.
 */
import type { Rng } from '../../core/rng.ts';

const LAYERS = 128;
const R = 3.442619855899;
const V = 9.91256303526217e-3;
const M1 = 2147483648;

const kn = new Float64Array(LAYERS);
const wn = new Float64Array(LAYERS);
const fn = new Float64Array(LAYERS);
{
  let dn = R;
  let tn = dn;
  const q = V / Math.exp(-0.5 * dn * dn);
  kn[0] = (dn / q) * M1;
  kn[1] = 0;
  wn[0] = q / M1;
  wn[LAYERS - 1] = dn / M1;
  fn[0] = 1;
  fn[LAYERS - 1] = Math.exp(-0.5 * dn * dn);
  for (let i = LAYERS - 2; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(V / dn + Math.exp(-0.5 * dn * dn)));
    kn[i + 1] = (dn / tn) * M1;
    tn = dn;
    fn[i] = Math.exp(-0.5 * dn * dn);
    wn[i] = dn / M1;
  }
}

export class ZigguratNormal {
  constructor(private readonly rng: Rng) {}

  /** One standard normal variate. */
  next(): number {
    for (;;) {
      const u = this.rng.uniform() * 4294967296;
      const hz = u | 0;
      const iz = ((u - Math.floor(u)) * LAYERS) | 0;
      if (Math.abs(hz) < kn[iz]!) return hz * wn[iz]!;
      const x = hz * wn[iz]!;
      if (iz === 0) {
        // The base strip's tail beyond R (Marsaglia 1964).
        let xt: number;
        let yt: number;
        do {
          xt = -Math.log(1 - this.rng.uniform()) / R;
          yt = -Math.log(1 - this.rng.uniform());
        } while (yt + yt < xt * xt);
        return hz > 0 ? R + xt : -R - xt;
      }
      // A wedge: accept under the density, otherwise start over with fresh bits.
      if (fn[iz]! + this.rng.uniform() * (fn[iz - 1]! - fn[iz]!) < Math.exp(-0.5 * x * x)) return x;
    }
  }
}
