export * from './calibration/index.ts';
export * from './gbdt/index.ts';
export {
  type ClassWeights,
  classBalanceWeights,
  DOWN,
  FLAT,
  TARGET_TOLERANCE,
  type ThreeClassTarget,
  type ThreeClassTargetOptions,
  threeClassLabelsStrided,
  threeClassTarget,
  threeClassTargetPanel,
  UP,
} from './target.ts';
export * from './tuning/index.ts';
export * from './validation/index.ts';
