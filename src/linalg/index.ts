/**
 * linalg: typed-array linear algebra for alphalab. Base kernels (BLAS/LAPACK-style names, arrays with
 * offsets and leading dimensions, no allocation, no validation) and checked wrappers on `Matrix`.
 * See docs/api/linalg.md.
 */
export { daxpy, ddot, dnrm2, dscal } from './blas1.ts';
export {
  type CholeskyFactor,
  type CholeskyOptions,
  cholesky,
  choleskyLogDet,
  choleskySolve,
  choleskySolveMatrix,
  dpotrfLower,
} from './cholesky.ts';
export {
  dsyev,
  dsyevAbove,
  dsyevRows,
  type SymmetricEigen,
  type SymmetricEigenOptions,
  symmetricEigen,
  symmetricEigenAbove,
  symmetricEigenRows,
  symmetricEigenvalues,
} from './eigen.ts';
export { dgemm } from './gemm.ts';
export { dgemv, dgemvT } from './gemv.ts';
export {
  crossProductOperator,
  type SymmetricOperator,
  type TopEigenOptions,
  type TopEigenResult,
  topEigenpairs,
} from './lanczos.ts';
export { type LeastSquaresResult, leastSquares } from './least-squares.ts';
export {
  createMatrix,
  diagonalMatrix,
  identityMatrix,
  type Matrix,
  matrixFromRows,
  sliceRows,
  transpose,
  transposeInto,
} from './matrix.ts';
export { dot, type GramOptions, gram, type MatmulOptions, matmul, matvec } from './products.ts';
export { dgeqp3Transposed, householderInPlace, PivotedQR, type QROptions, qrPivoted } from './qr.ts';
export { StructuredCovariance, type StructuredCovarianceInit } from './structured-covariance.ts';
export { structuredFromDense, structuredFromEigenpairs } from './structured-from-eigen.ts';
export { dsyrk, mirrorTriangle } from './syrk.ts';
export { dtrsm, dtrsv } from './triangular.ts';
export { applyQBlocked, dsytrdUpperRows, formQtRows } from './tridiagonal.ts';
export { tridiagonalDivideConquer } from './tridiagonal-dc.ts';
export { tridiagonalQL, tridiagonalQLScratch } from './tridiagonal-ql.ts';
