/** Number formatting shared by the Markdown and HTML renderers. Non-finite values print as "n/a" (or ±∞). */
import type { Cell, ColumnFormat } from './model.ts';

export function formatNumber(x: number, format: ColumnFormat = 'num', digits?: number): string {
  if (Number.isNaN(x)) return 'n/a';
  if (x === Number.POSITIVE_INFINITY) return '∞';
  if (x === Number.NEGATIVE_INFINITY) return '−∞';
  switch (format) {
    case 'int':
      return Math.round(x).toLocaleString('en-US');
    case 'pct':
      return `${(100 * x).toFixed(digits ?? 2)}%`;
    case 'bps':
      return `${(1e4 * x).toFixed(digits ?? 1)} bp`;
    case 'sci':
      return x.toExponential(digits ?? 3);
    case 'text':
      return String(x);
    default: {
      const d = digits ?? 3;
      if (x !== 0 && Math.abs(x) < 10 ** -d) return x.toExponential(2);
      return x.toFixed(d);
    }
  }
}

export function formatCell(v: Cell | undefined, format?: ColumnFormat, digits?: number): string {
  if (v === null || v === undefined) return 'n/a';
  if (typeof v === 'number') return formatNumber(v, format ?? 'num', digits);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return v;
}

/** JSON replacer: NaN and ±∞ become null, typed arrays become plain arrays. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView))
    return Array.from(value as unknown as ArrayLike<number>);
  if (value instanceof Map) return Object.fromEntries(value);
  return value;
}
