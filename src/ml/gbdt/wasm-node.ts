/**
 * WebAssembly kernels for the per-node work of tree growth besides histograms (methods.md §9.3 items 4–6):
 * gathering a node's (g, h) pairs, partitioning its rows by a split, histogram subtraction and the split
 * scan. They work on the same linear memory as the histogram kernels (hist-store.ts), so a node's rows,
 * gradients and histograms never travel between JavaScript arrays and WebAssembly memory during a tree.
 *
 * Every kernel performs the same float64 operations in the same order as its JavaScript twin (gatherGradients,
 * partitionRowsStable, subtractHistogramRange, evaluateFeatureSplits), so trees are bit-identical; the tests in
 * test/ml/gbdt-kernels.test.ts compare them directly. All pointers are byte addresses.
 */
import { FunctionBuilder } from '../../core/wasm.ts';

/** gather(rowPtr, rowEnd, ghBase, out): for each row id r in i32[rowPtr … rowEnd), f64x2[out++] = f64x2[ghBase + 16r]. */
export function gatherKernel(): FunctionBuilder {
  const f = new FunctionBuilder('gather', [
    ['rowPtr', 'i32'],
    ['rowEnd', 'i32'],
    ['ghBase', 'i32'],
    ['out', 'i32'],
  ]);
  f.block('done').get('rowPtr').get('rowEnd').op('i32.ge_u').brIf('done');
  f.loop('row');
  f.get('out').get('rowPtr').load('i32.load').i32(4).op('i32.shl').get('ghBase').op('i32.add');
  f.load('v128.load', 0, 3).store('v128.store');
  f.get('out').i32(16).op('i32.add').set('out');
  f.get('rowPtr').i32(4).op('i32.add').tee('rowPtr');
  f.get('rowEnd').op('i32.lt_u').brIf('row');
  f.end().end();
  return f;
}

/**
 * partition_{u8|u16}(rowPtr, rowEnd, col, splitBin, missingCode, defaultLeft, tmp) → number of left rows.
 * Stable partition of the row ids in i32[rowPtr … rowEnd) by the split "code ≤ splitBin goes left, the
 * missing code follows defaultLeft" (splitBin is signed: −1 sends every non-missing row right), with code the
 * bin of row r at col + r (u16: col + 2r). Branch-free like partitionRowsStable: each row is written to both
 * outputs (in place on the left, `tmp` on the right) and only the matching cursor advances; the right part is
 * then copied back after the left one.
 */
export function partitionKernel(u16: boolean): FunctionBuilder {
  const f = new FunctionBuilder(
    `partition_${u16 ? 'u16' : 'u8'}`,
    [
      ['rowPtr', 'i32'],
      ['rowEnd', 'i32'],
      ['col', 'i32'],
      ['splitBin', 'i32'],
      ['missingCode', 'i32'],
      ['defaultLeft', 'i32'],
      ['tmp', 'i32'],
    ],
    ['i32'],
  ).local(['r', 'code', 'left', 'w', 't', 'k'], 'i32');
  f.get('rowPtr').set('w').get('tmp').set('t').get('rowPtr').set('k');
  f.block('done').get('k').get('rowEnd').op('i32.ge_u').brIf('done');
  f.loop('row');
  f.get('k').load('i32.load').set('r');
  f.get('col').get('r');
  if (u16) f.i32(1).op('i32.shl');
  f.op('i32.add')
    .load(u16 ? 'i32.load16_u' : 'i32.load8_u')
    .set('code');
  // left = (code ≤ splitBin) | (defaultLeft & (code = missingCode))
  f.get('code').get('splitBin').op('i32.le_s');
  f.get('defaultLeft').get('code').get('missingCode').op('i32.eq').op('i32.and');
  f.op('i32.or').set('left');
  f.get('w').get('r').store('i32.store');
  f.get('t').get('r').store('i32.store');
  f.get('w').get('left').i32(2).op('i32.shl').op('i32.add').set('w');
  f.get('t').get('left').i32(1).op('i32.xor').i32(2).op('i32.shl').op('i32.add').set('t');
  f.get('k').i32(4).op('i32.add').tee('k');
  f.get('rowEnd').op('i32.lt_u').brIf('row');
  f.end().end();
  // Copy the right part tmp[0 … t) after the left part (w), then return the left count.
  f.get('w').set('k').get('tmp').set('r');
  f.block('copied').get('r').get('t').op('i32.ge_u').brIf('copied');
  f.loop('copy');
  f.get('k').get('r').load('i32.load').store('i32.store');
  f.get('k').i32(4).op('i32.add').set('k');
  f.get('r').i32(4).op('i32.add').tee('r');
  f.get('t').op('i32.lt_u').brIf('copy');
  f.end().end();
  f.get('w').get('rowPtr').op('i32.sub').i32(2).op('i32.shr_u');
  return f;
}

/** subtract(parent, child, bytes): f64x2[parent + i] −= f64x2[child + i] for i < bytes, step 16 (bytes % 16 = 0). */
export function subtractKernel(): FunctionBuilder {
  const f = new FunctionBuilder('subtract', [
    ['parent', 'i32'],
    ['child', 'i32'],
    ['bytes', 'i32'],
  ]).local('end', 'i32');
  f.get('parent').get('bytes').op('i32.add').set('end');
  f.block('done').get('parent').get('end').op('i32.ge_u').brIf('done');
  f.loop('pair');
  f.get('parent').get('parent').load('v128.load').get('child').load('v128.load').op('f64x2.sub');
  f.store('v128.store');
  f.get('child').i32(16).op('i32.add').set('child');
  f.get('parent').i32(16).op('i32.add').tee('parent');
  f.get('end').op('i32.lt_u').brIf('pair');
  f.end().end();
  return f;
}

/**
 * Relative safety margin of the scan's division-free rejection. A candidate's loss_chg is computed as
 * fl(fl(fl(nL/dL) + fl(nR/dR)) − parentGain), which can exceed `best` only if the exact A = nL/dL + nR/dR
 * exceeds (best + parentGain)·(1 − 4u) (u = 2⁻⁵³: three roundings, and fl(x − pg) is monotone in x). The test
 * nL·dR + nR·dL ≤ bar·dL·dR with bar = fl((best + parentGain)·(1 − 1e-12)) has every operand positive and at
 * most ~6u of relative rounding on each side, so when it holds, A ≤ (best + parentGain)·(1 − 1e-12 + 10u): the
 * candidate cannot win and its two divisions are skipped. Whenever it does not hold, loss_chg is computed exactly
 * as before, so the chosen split is bit-identical; only subnormal or overflowing products (guarded by the 1e∓280
 * bounds) would void the error analysis, and those always take the exact path.
 */
const SKIP_MARGIN = 1 - 1e-12;

/**
 * The split scan of one feature's histogram (evaluateFeatureSplits, one direction):
 *   scan_{fwd|bwd}_{a0|l1}(hist, nb, G, H, parentGain, lambda, alpha, mcw, best, out) → bin or −1.
 * Forward accumulates bins 0, 1, … into the left child (missing goes right); backward accumulates bins
 * nb − 1, nb − 2, … into the right child (missing goes left). Empty bins are skipped, a candidate is valid when
 * both children have H ≥ mcw and H > 0, and its loss_chg T(G_L)²/(H_L + λ) + T(G_R)²/(H_R + λ) − parentGain
 * (T = identity for the a0 variant, the L1 soft-threshold by α for l1) replaces `best` only when strictly
 * greater. Returns the bin of the last improvement (−1 if none) and writes its loss_chg, G_L, H_L, G_R, H_R
 * as float64 at `out`.
 */
export function splitScanKernel(backward: boolean, l1: boolean): FunctionBuilder {
  const f = new FunctionBuilder(
    `scan_${backward ? 'bwd' : 'fwd'}_${l1 ? 'l1' : 'a0'}`,
    [
      ['hist', 'i32'],
      ['nb', 'i32'],
      ['G', 'f64'],
      ['H', 'f64'],
      ['parentGain', 'f64'],
      ['lambda', 'f64'],
      ['alpha', 'f64'],
      ['mcw', 'f64'],
      ['best', 'f64'],
      ['out', 'i32'],
    ],
    ['i32'],
  )
    .local(['b', 'found', 'p'], 'i32')
    .local(['hb', 'Ga', 'Ha', 'GL', 'HL', 'GR', 'HR', 'chg', 'bGL', 'bHL', 'bGR', 'bHR', 'negAlpha'], 'f64')
    .local(['nL', 'dL', 'nR', 'dR', 'bar', 'y'], 'f64');
  f.i32(-1).set('found');
  f.get('alpha').op('f64.neg').set('negAlpha');
  const setBar = () =>
    f.get('best').get('parentGain').op('f64.add').f64(SKIP_MARGIN).op('f64.mul').set('bar');
  setBar();
  if (backward) f.get('nb').i32(1).op('i32.sub').set('b');
  // p = hist + 16·b
  f.get('hist').get('b').i32(4).op('i32.shl').op('i32.add').set('p');
  f.block('done');
  if (backward) f.get('b').i32(0).op('i32.lt_s');
  else f.get('b').get('nb').op('i32.ge_s');
  f.brIf('done');
  f.loop('bin');
  f.block('next');
  // An empty bin repeats the previous candidate, which strict ">" would never prefer.
  f.get('p').load('f64.load', 8).tee('hb').f64(0).op('f64.eq').brIf('next');
  f.get('Ga').get('p').load('f64.load').op('f64.add').set('Ga');
  f.get('Ha').get('hb').op('f64.add').set('Ha');
  const [accG, accH, othG, othH] = backward ? ['GR', 'HR', 'GL', 'HL'] : ['GL', 'HL', 'GR', 'HR'];
  f.get('Ga').set(accG).get('Ha').set(accH);
  f.get('G').get('Ga').op('f64.sub').set(othG);
  f.get('H').get('Ha').op('f64.sub').set(othH);
  // valid = H_L ≥ mcw ∧ H_R ≥ mcw ∧ H_L > 0 ∧ H_R > 0
  f.get('HL').get('mcw').op('f64.ge').get('HR').get('mcw').op('f64.ge').op('i32.and');
  f.get('HL').f64(0).op('f64.gt').op('i32.and').get('HR').f64(0).op('f64.gt').op('i32.and');
  f.op('i32.eqz').brIf('next');
  // n = T(G)², d = H + λ for each child
  const terms = (G: string, H: string, n: string, d: string) => {
    if (l1) {
      // T(G) = G > α ? G − α : G < −α ? G + α : 0 (thresholdL1)
      f.get(G).get('alpha').op('f64.sub');
      f.get(G).get('alpha').op('f64.add').f64(0).get(G).get('negAlpha').op('f64.lt').op('select');
      f.get(G).get('alpha').op('f64.gt').op('select').tee(n).get(n).op('f64.mul').set(n);
    } else f.get(G).get(G).op('f64.mul').set(n);
    f.get(H).get('lambda').op('f64.add').set(d);
  };
  terms('GL', 'HL', 'nL', 'dL');
  terms('GR', 'HR', 'nR', 'dR');
  // Division-free rejection (see SKIP_MARGIN): skip when nL·dR + nR·dL ≤ bar·dL·dR, bar = (best + parentGain)·(1 − 1e-12),
  // with the right side a normal positive number.
  f.get('bar').get('dL').op('f64.mul').get('dR').op('f64.mul').tee('y');
  f.f64(1e-280).op('f64.gt').get('y').f64(1e280).op('f64.lt').op('i32.and');
  f.get('nL').get('dR').op('f64.mul').get('nR').get('dL').op('f64.mul').op('f64.add').get('y').op('f64.le');
  f.op('i32.and').brIf('next');
  f.get('nL').get('dL').op('f64.div').get('nR').get('dR').op('f64.div').op('f64.add');
  f.get('parentGain').op('f64.sub').tee('chg');
  f.get('best').op('f64.gt').op('i32.eqz').brIf('next');
  f.get('chg').set('best').get('b').set('found');
  setBar();
  f.get('GL').set('bGL').get('HL').set('bHL').get('GR').set('bGR').get('HR').set('bHR');
  f.end(); // next
  f.get('p')
    .i32(backward ? -16 : 16)
    .op('i32.add')
    .set('p');
  f.get('b')
    .i32(backward ? -1 : 1)
    .op('i32.add')
    .tee('b');
  if (backward) f.i32(0).op('i32.ge_s');
  else f.get('nb').op('i32.lt_s');
  f.brIf('bin');
  f.end().end();
  f.block('none').get('found').i32(0).op('i32.lt_s').brIf('none');
  f.get('out').get('best').store('f64.store');
  f.get('out').get('bGL').store('f64.store', 8);
  f.get('out').get('bHL').store('f64.store', 16);
  f.get('out').get('bGR').store('f64.store', 24);
  f.get('out').get('bHR').store('f64.store', 32);
  f.end();
  f.get('found');
  return f;
}
