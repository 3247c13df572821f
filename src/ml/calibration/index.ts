export {
  applyOneVsRestPlatt,
  fitOneVsRestPlatt,
  fitPrefitCalibration,
  normaliseOneVsRestInPlace,
  type OneVsRestCalibrator,
  type ProbabilisticClassifier,
} from './multiclass.ts';
export { fitPlatt, PLATT_GRADIENT_TOLERANCE, type PlattScaler, plattProbability } from './platt.ts';
export {
  brierScoreMulticlass,
  type CalibrationReport,
  calibrationReport,
  confidenceAndCorrect,
  type ReliabilityBin,
  reliabilityTable,
} from './reliability.ts';
export {
  type DatedPredictions,
  type StitchedCalibrationSample,
  stitchedCalibrationSample,
} from './stitched.ts';
