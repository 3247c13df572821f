/**
 * Frozen feature whitelist with a leakage guard (seed 001 P0.3). A model is trained on, and only ever fed,
 * the exact ordered list of columns frozen at training time. Any other column — unknown, missing, reordered,
 * or named like a forward-looking quantity (fwd, future, label, target, next, lead, …) — is refused with a
 * typed error before it can reach a model, which is how the seed's silent 28 → 47 feature drift is caught.
 */
import { createHash } from 'node:crypto';
import { InvalidInputError } from '../../core/errors.ts';

/** Raised when a column could leak the future or is not on the frozen whitelist (CLI exit 2). */
export class FeatureLeakageError extends InvalidInputError {
  readonly columns: readonly string[];
  constructor(what: string, columns: readonly string[]) {
    super(what, { where: { column: columns.join(', ') } });
    this.columns = columns;
  }
}

/** Substrings that mark a forward-looking column anywhere in its name (case-insensitive). */
const FORBIDDEN_SUBSTRINGS = [
  'fwd',
  'future',
  'label',
  'target',
  'forward',
  'ahead',
  'tomorrow',
  'outcome',
  'leak',
];
/** Whole name tokens (split on non-alphanumerics) that mark a forward-looking column: `ret_next_5d`, `lead_1`. */
const FORBIDDEN_TOKENS = /^(next|lead|leads|lead\d+|y|yhat|response|realized|realised)$/;

/** The forward-looking pattern a column name matches, or null if none. */
export function forwardLookingPattern(name: string): string | null {
  const lower = name.toLowerCase();
  for (const s of FORBIDDEN_SUBSTRINGS) if (lower.includes(s)) return s;
  for (const tok of lower.split(/[^a-z0-9]+/)) if (FORBIDDEN_TOKENS.test(tok)) return tok;
  return null;
}

export interface FeatureWhitelist {
  readonly format: 'alphalab.feature_whitelist';
  readonly version: 1;
  /** Column order of the model's feature matrix. */
  readonly names: readonly string[];
  /** SHA-256 of the names joined by newlines: identifies the schema a model was trained on. */
  readonly sha256: string;
}

function namesHash(names: readonly string[]): string {
  return createHash('sha256').update(names.join('\n')).digest('hex');
}

/** Freezes an ordered column list; refuses duplicates, empty names and forward-looking names. */
export function freezeWhitelist(names: readonly string[]): FeatureWhitelist {
  const seen = new Set<string>();
  const dup: string[] = [];
  for (const n of names) {
    if (typeof n !== 'string' || n.length === 0) throw new InvalidInputError('a feature name is empty');
    if (seen.has(n)) dup.push(n);
    seen.add(n);
  }
  if (dup.length)
    throw new InvalidInputError(`duplicate feature names: ${dup.join(', ')}`, { where: { column: dup[0]! } });
  const leaky = names.filter((n) => forwardLookingPattern(n) !== null);
  if (leaky.length) {
    throw new FeatureLeakageError(
      `forward-looking feature names cannot be whitelisted: ${leaky.map((n) => `${n} (matches '${forwardLookingPattern(n)}')`).join(', ')}`,
      leaky,
    );
  }
  return Object.freeze({
    format: 'alphalab.feature_whitelist',
    version: 1,
    names: Object.freeze([...names]),
    sha256: namesHash(names),
  });
}

/**
 * The leakage guard: `columns` must be exactly the whitelist, in order. Forward-looking names are reported
 * first, then columns not on the whitelist, then whitelisted columns that are missing, then order changes.
 */
export function assertWhitelistedColumns(columns: readonly string[], whitelist: FeatureWhitelist): void {
  const leaky = columns.filter((c) => forwardLookingPattern(c) !== null);
  if (leaky.length) {
    throw new FeatureLeakageError(
      `refusing forward-looking columns: ${leaky.map((c) => `${c} (matches '${forwardLookingPattern(c)}')`).join(', ')}`,
      leaky,
    );
  }
  const allowed = new Set(whitelist.names);
  const extra = columns.filter((c) => !allowed.has(c));
  if (extra.length) {
    throw new FeatureLeakageError(`columns not on the frozen feature whitelist: ${extra.join(', ')}`, extra);
  }
  const present = new Set(columns);
  const missing = whitelist.names.filter((c) => !present.has(c));
  if (missing.length) {
    throw new FeatureLeakageError(
      `feature count mismatch: ${columns.length} columns for ${whitelist.names.length} whitelisted; missing ${missing.join(', ')}`,
      missing,
    );
  }
  for (let j = 0; j < columns.length; j++) {
    if (columns[j] !== whitelist.names[j]) {
      throw new FeatureLeakageError(
        `column ${j} is '${columns[j]}' but the whitelist has '${whitelist.names[j]}' there (columns out of order)`,
        [columns[j]!],
      );
    }
  }
}

/** Parses a stored whitelist (JSON), checking its hash; a damaged file is an InvalidInputError. */
export function parseWhitelist(text: string): FeatureWhitelist {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    throw new InvalidInputError('the feature whitelist is not valid JSON', { cause });
  }
  const d = doc as Partial<FeatureWhitelist>;
  if (d?.format !== 'alphalab.feature_whitelist' || d.version !== 1 || !Array.isArray(d.names)) {
    throw new InvalidInputError(
      'not an alphalab feature whitelist (format alphalab.feature_whitelist, version 1)',
    );
  }
  const w = freezeWhitelist(d.names as string[]);
  if (w.sha256 !== d.sha256)
    throw new InvalidInputError('the feature whitelist hash does not match its names');
  return w;
}
