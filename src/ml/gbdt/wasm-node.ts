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
 *   scan_{fwd|bwd}_{a0|l1}(hist, nb, G, H, parentGain, lambda, alpha, mcw, best, out, scratch) → bin or −1.
 * Forward accumulates bins 0, 1, … into the left child (missing goes right); backward accumulates bins
 * nb − 1, nb − 2, … into the right child (missing goes left). Empty bins add nothing, a candidate is valid when
 * both children have H ≥ mcw and H > 0, and its loss_chg T(G_L)²/(H_L + λ) + T(G_R)²/(H_R + λ) − parentGain
 * (T = identity for the a0 variant, the L1 soft-threshold by α for l1) replaces `best` only when strictly
 * greater. Returns the bin of the last improvement (−1 if none) and writes its loss_chg, G_L, H_L, G_R, H_R
 * as float64 at `out`.
 *
 * Two passes, so that the candidates can be evaluated two bins per f64x2 instruction:
 *   1. the running sums (the same float64 additions in the same order as the scalar loop, an empty bin adding
 *      nothing) are stored per bin as two float64 arrays at `scratch` (G sums) and scratch + 8·(nb + 2)
 *      (H sums), one slot of padding on either side;
 *   2. two adjacent bins at a time: validity and the division-free rejection (SKIP_MARGIN) for both lanes; only
 *      a lane that survives both gets its loss_chg computed exactly, in scan order, with scalar divisions.
 * Evaluating an empty bin is harmless: its sums equal the previous bin's, so its candidate repeats one that
 * was already evaluated, which strict ">" never prefers. The padding slot holds H = 0, an invalid candidate.
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
      ['scratch', 'i32'],
    ],
    ['i32'],
  )
    .local(['b', 'found', 'p', 'sg', 'sh', 'lanes'], 'i32')
    .local(['bar', 'chg', 'bGL', 'bHL', 'bGR', 'bHR'], 'f64')
    .local(['acc', 'v', 'zero', 'Gv', 'Hv', 'mcwv', 'lamv', 'alv', 'nalv', 'barv'], 'v128')
    .local(['GLv', 'HLv', 'GRv', 'HRv', 'nL', 'nR', 'dL', 'dR', 'y', 'keep'], 'v128');
  const setBar = () => {
    f.get('best').get('parentGain').op('f64.add').f64(SKIP_MARGIN).op('f64.mul').tee('bar');
    f.op('f64x2.splat').set('barv');
  };
  f.i32(-1).set('found');
  f.get('G').op('f64x2.splat').set('Gv');
  f.get('H').op('f64x2.splat').set('Hv');
  f.get('mcw').op('f64x2.splat').set('mcwv');
  f.get('lambda').op('f64x2.splat').set('lamv');
  f.get('alpha').op('f64x2.splat').set('alv');
  f.get('alpha').op('f64.neg').op('f64x2.splat').set('nalv');
  setBar();
  // sg, sh: the G and H sum arrays, bin b at sg + 8(b + 1); slots 0 and nb + 1 are padding (G = H = 0).
  f.get('scratch').set('sg');
  f.get('scratch').get('nb').i32(2).op('i32.add').i32(3).op('i32.shl').op('i32.add').set('sh');
  for (const a of ['sg', 'sh']) {
    f.get(a).f64(0).store('f64.store');
    f.get(a).get('nb').i32(3).op('i32.shl').op('i32.add').f64(0).store('f64.store', 8);
  }
  f.block('noBins').get('nb').i32(0).op('i32.le_s').brIf('noBins');
  // Pass 1: running sums in scan order.
  if (backward) f.get('nb').i32(1).op('i32.sub').set('b');
  f.loop('sum');
  f.get('hist').get('b').i32(4).op('i32.shl').op('i32.add').load('v128.load').tee('v');
  // acc += v, or += 0 for an empty bin (h = 0): adding +0 leaves a sum that started at +0 unchanged.
  f.get('v').lane('f64x2.extract_lane', 1).op('f64x2.splat').get('zero').op('f64x2.ne').op('v128.and');
  f.get('acc').op('f64x2.add').set('acc');
  f.get('b').i32(3).op('i32.shl').set('p');
  f.get('sg').get('p').op('i32.add').get('acc').lane('f64x2.extract_lane', 0).store('f64.store', 8);
  f.get('sh').get('p').op('i32.add').get('acc').lane('f64x2.extract_lane', 1).store('f64.store', 8);
  if (backward) f.get('b').i32(1).op('i32.sub').tee('b').i32(0).op('i32.ge_s').brIf('sum');
  else f.get('b').i32(1).op('i32.add').tee('b').get('nb').op('i32.lt_s').brIf('sum');
  f.end();
  // Pass 2: bins (b, b + 1) forward from b = 0, (b, b − 1) backward from b = nb − 1; lanes hold bins b0, b0 + 1
  // with b0 = b (forward) or b − 1 (backward), so the first bin in scan order is lane 0 forward, lane 1 backward.
  if (backward) f.get('nb').i32(1).op('i32.sub').set('b');
  else f.i32(0).set('b');
  f.loop('pair');
  // p = 8·(b0 + 1), the slot offset of lane 0
  f.get('b');
  if (!backward) f.i32(1).op('i32.add');
  f.i32(3).op('i32.shl').set('p');
  const [accG, accH, othG, othH] = backward ? ['GRv', 'HRv', 'GLv', 'HLv'] : ['GLv', 'HLv', 'GRv', 'HRv'];
  f.get('sg').get('p').op('i32.add').load('v128.load', 0, 3).set(accG);
  f.get('sh').get('p').op('i32.add').load('v128.load', 0, 3).set(accH);
  f.get('Gv').get(accG).op('f64x2.sub').set(othG);
  f.get('Hv').get(accH).op('f64x2.sub').set(othH);
  // keep = valid ∧ ¬rejected
  f.get('HLv').get('mcwv').op('f64x2.ge').get('HRv').get('mcwv').op('f64x2.ge').op('v128.and');
  f.get('HLv').get('zero').op('f64x2.gt').op('v128.and').get('HRv').get('zero').op('f64x2.gt').op('v128.and');
  const square = (Gs: string, n: string) => {
    if (l1) {
      // T(G) = G > α ? G − α : G < −α ? G + α : 0 (thresholdL1)
      f.get(Gs).get('alv').op('f64x2.sub');
      f.get(Gs)
        .get('alv')
        .op('f64x2.add')
        .get('zero')
        .get(Gs)
        .get('nalv')
        .op('f64x2.lt')
        .op('v128.bitselect');
      f.get(Gs).get('alv').op('f64x2.gt').op('v128.bitselect').tee(n).get(n).op('f64x2.mul').set(n);
    } else f.get(Gs).get(Gs).op('f64x2.mul').set(n);
  };
  square('GLv', 'nL');
  square('GRv', 'nR');
  f.get('HLv').get('lamv').op('f64x2.add').set('dL');
  f.get('HRv').get('lamv').op('f64x2.add').set('dR');
  f.get('barv').get('dL').op('f64x2.mul').get('dR').op('f64x2.mul').tee('y');
  f.f64x2(1e-280, 1e-280).op('f64x2.gt').get('y').f64x2(1e280, 1e280).op('f64x2.lt').op('v128.and');
  f.get('nL').get('dR').op('f64x2.mul').get('nR').get('dL').op('f64x2.mul').op('f64x2.add').get('y');
  f.op('f64x2.le').op('v128.and');
  f.op('v128.andnot').tee('keep');
  f.op('v128.any_true');
  f.if();
  f.get('keep').op('i64x2.bitmask').set('lanes');
  for (const lane of backward ? [1, 0] : [0, 1]) {
    f.get('lanes')
      .i32(1 << lane)
      .op('i32.and');
    f.if();
    const x = (v: string) => f.get(v).lane('f64x2.extract_lane', lane);
    x('nL');
    x('dL');
    f.op('f64.div');
    x('nR');
    x('dR');
    f.op('f64.div').op('f64.add').get('parentGain').op('f64.sub').tee('chg');
    f.get('best').op('f64.gt');
    f.if();
    f.get('chg').set('best');
    setBar();
    // The split bin of this lane: b0 + lane.
    f.get('b')
      .i32(lane - (backward ? 1 : 0))
      .op('i32.add')
      .set('found');
    x('GLv');
    f.set('bGL');
    x('HLv');
    f.set('bHL');
    x('GRv');
    f.set('bGR');
    x('HRv');
    f.set('bHR');
    f.end();
    f.end();
  }
  f.end();
  if (backward) f.get('b').i32(2).op('i32.sub').tee('b').i32(0).op('i32.ge_s').brIf('pair');
  else f.get('b').i32(2).op('i32.add').tee('b').get('nb').op('i32.lt_s').brIf('pair');
  f.end();
  f.end(); // noBins
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
