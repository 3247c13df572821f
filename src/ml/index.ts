export * from './calibration/index.ts';
export * from './gbdt/index.ts';
export {
  type ClassWeights,
  classBalanceWeights,
  classOfReturn,
  DOWN,
  FLAT,
  MIN_CROSS_SECTION,
  type PanelTarget,
  type PanelTargetOptions,
  panelTarget,
  subtractCrossSectionalMeanInPlace,
  TARGET_KINDS,
  TARGET_TOLERANCE,
  type TargetKind,
  type ThreeClassTarget,
  type ThreeClassTargetOptions,
  threeClassLabelsStrided,
  threeClassTarget,
  threeClassTargetPanel,
  UP,
} from './target.ts';
export * from './tuning/index.ts';
export * from './validation/index.ts';
