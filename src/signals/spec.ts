/**
 * Signal specs and families. A spec is plain data (so it can travel to a worker thread or a queue); the
 * computation lives in its family, looked up by name. Users add a family with `defineSignalFamily` and
 * specs that name it (see docs/api/signals.md).
 */
import { InvalidInputError } from '../core/errors.ts';

/** Parameters of one signal (seed 002 `SignalSpec`, with the decay half-life actually used). */
export interface SignalSpec {
  /** Unique name, e.g. `MOM` or `MOM_v3`. */
  readonly name: string;
  /** Name of the family that computes it, e.g. `MOM`. */
  readonly family: string;
  readonly description: string;
  /** Universe panel fields the raw signal reads (`return` is always available). */
  readonly inputs: readonly string[];
  /** Trailing window in trading days. */
  readonly lookback: number;
  /** Most recent days left out of the window (12-1 momentum skips 21). */
  readonly skip: number;
  /** EWMA half-life in days applied to the raw signal; 0 = none. */
  readonly halfLife: number;
}

/** What a family may read: the universe's panels (date-major T×N) and the shared log returns. */
export interface RawSignalInputs {
  readonly T: number;
  readonly N: number;
  /** The values of a universe panel named in the spec's `inputs`. */
  field(name: string): Float64Array;
  /** ℓ_{t,i} = ln(1 + r_{t,i}) (methods.md §1); NaN where the return is missing. */
  readonly logReturn: Float64Array;
}

/**
 * Computes a raw signal. Contract: row t of `out` (length T·N, date-major) may depend only on data dated
 * ≤ t (architecture.md §4; a property test checks every built-in family). Rows without enough history are
 * NaN. `out` arrives filled with NaN.
 */
export interface SignalFamily {
  readonly name: string;
  readonly description: string;
  /** Default input fields (a spec may name others). */
  readonly inputs: readonly string[];
  compute(inputs: RawSignalInputs, spec: SignalSpec, out: Float64Array): void;
}

const NAME = /^[A-Za-z][A-Za-z0-9_.-]*$/;

/** Validates a family and returns it frozen. */
export function defineSignalFamily(family: SignalFamily): SignalFamily {
  if (!NAME.test(family.name)) {
    throw new InvalidInputError(
      `signal family name '${family.name}' must start with a letter and use [A-Za-z0-9_.-]`,
      {
        where: { field: 'family' },
      },
    );
  }
  if (typeof family.compute !== 'function') {
    throw new InvalidInputError(`signal family '${family.name}' has no compute function`, {
      where: { field: family.name },
    });
  }
  return Object.freeze({ ...family, inputs: Object.freeze([...family.inputs]) });
}

/** Validates a spec's name and parameters and returns it frozen. */
export function defineSignalSpec(spec: SignalSpec): SignalSpec {
  const where = { field: spec.name };
  if (!NAME.test(spec.name)) {
    throw new InvalidInputError(
      `signal name '${spec.name}' must start with a letter and use [A-Za-z0-9_.-]`,
      { where },
    );
  }
  if (!Number.isInteger(spec.lookback) || spec.lookback < 1) {
    throw new InvalidInputError(
      `signal ${spec.name}: lookback must be a positive integer, got ${spec.lookback}`,
      { where },
    );
  }
  if (!Number.isInteger(spec.skip) || spec.skip < 0 || spec.skip >= spec.lookback) {
    throw new InvalidInputError(
      `signal ${spec.name}: skip must be an integer in [0, lookback), got ${spec.skip}`,
      { where },
    );
  }
  if (!(spec.halfLife >= 0) || !Number.isFinite(spec.halfLife)) {
    throw new InvalidInputError(
      `signal ${spec.name}: halfLife must be a finite number ≥ 0, got ${spec.halfLife}`,
      { where },
    );
  }
  return Object.freeze({ ...spec, inputs: Object.freeze([...spec.inputs]) });
}

/** Checks that names are unique and every family is known; returns the specs in order. */
export function checkSpecs(
  specs: readonly SignalSpec[],
  families: ReadonlyMap<string, SignalFamily>,
): readonly SignalSpec[] {
  const seen = new Set<string>();
  for (const s of specs) {
    if (seen.has(s.name))
      throw new InvalidInputError(`signal name '${s.name}' is used twice`, { where: { field: s.name } });
    seen.add(s.name);
    if (!families.has(s.family)) {
      throw new InvalidInputError(
        `signal ${s.name} names unknown family '${s.family}' (known: ${[...families.keys()].join(', ')})`,
        {
          where: { field: s.name },
        },
      );
    }
  }
  return specs;
}
