/** data/io: universe directories (CSV, Parquet via DuckDB), the OHLCV dump, benchmark files. */
export { type AtomicDirOptions, writeDirAtomically } from './atomic.ts';
export {
  alignToDates,
  type DatedColumns,
  readCboeVixCsv,
  readFamaFrenchDailyCsv,
  readYahooCsv,
} from './benchmark-files.ts';
export {
  findDataFile,
  type ReadUniverseOptions,
  readUniverseDir,
  type WriteUniverseOptions,
  withDerivedReturn,
  writeUniverseDir,
} from './directory.ts';
export { type BenchmarkFiles, loadOhlcvDump, type OhlcvDumpInput, readBenchmarkSeries } from './ohlcv.ts';
export { returnPanelFromClose, simpleReturnsFromCloseNaNPropagating } from './returns.ts';
export { type FileFormat, formatOfPath } from './stage.ts';
export { summarizeUniverse, type UniverseSummary } from './summary.ts';
export { PRICE_FIELDS } from './validate.ts';
