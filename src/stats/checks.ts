/**
 * Argument checks shared by the checked wrappers of stats/ (style.md habit 1): each throws an
 * InvalidInputError that names the bad argument and what was expected.
 */
import { InvalidInputError } from '../core/errors.ts';

export function checkSameLength(
  nameA: string,
  a: ArrayLike<number>,
  nameB: string,
  b: ArrayLike<number>,
): void {
  if (a.length !== b.length) {
    throw new InvalidInputError(`${nameA} has length ${a.length} but ${nameB} has length ${b.length}`, {
      where: { field: nameB },
    });
  }
}

/** Returns `out` if given (after checking its length), otherwise a new Float64Array of `length`. */
export function outputArray(out: Float64Array | undefined, length: number, name = 'out'): Float64Array {
  if (out === undefined) return new Float64Array(length);
  if (out.length !== length) {
    throw new InvalidInputError(`${name} has length ${out.length}, expected ${length}`, {
      where: { field: name },
    });
  }
  return out;
}

export function checkPositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidInputError(`${name} must be a positive integer, got ${value}`, {
      where: { field: name },
    });
  }
}

export function checkNonNegativeInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new InvalidInputError(`${name} must be a non-negative integer, got ${value}`, {
      where: { field: name },
    });
  }
}

export function checkFinite(name: string, value: number): void {
  if (!Number.isFinite(value)) {
    throw new InvalidInputError(`${name} must be a finite number, got ${value}`, { where: { field: name } });
  }
}

export function checkPositive(name: string, value: number): void {
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new InvalidInputError(`${name} must be a finite positive number, got ${value}`, {
      where: { field: name },
    });
  }
}
