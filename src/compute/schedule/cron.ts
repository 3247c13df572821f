/**
 * A strict check of five-field cron expressions (minute hour day-of-month month day-of-week), the form the
 * configuration's `schedule.*` keys use and both BullMQ job schedulers and crontab accept. Checking here
 * turns a typo into an InvalidInputError that names the key, before anything is registered.
 */
import { InvalidInputError } from '../../core/errors.ts';

const FIELDS = [
  { name: 'minute', min: 0, max: 59, names: [] as string[] },
  { name: 'hour', min: 0, max: 23, names: [] as string[] },
  { name: 'day of month', min: 1, max: 31, names: [] as string[] },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
  },
  { name: 'day of week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
] as const;

function value(token: string, f: (typeof FIELDS)[number]): number | undefined {
  if (/^\d+$/.test(token)) {
    const v = Number(token);
    return v >= f.min && v <= f.max ? v : undefined;
  }
  const k = (f.names as readonly string[]).indexOf(token.toLowerCase());
  if (k < 0) return undefined;
  return f.name === 'month' ? k + 1 : k;
}

/** Why `expr` is not a valid five-field cron expression, or undefined when it is. */
export function cronProblem(expr: string): string | undefined {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5) return `expected 5 fields (minute hour day month weekday), got ${parts.length}`;
  for (let i = 0; i < 5; i++) {
    const f = FIELDS[i]!;
    for (const item of parts[i]!.split(',')) {
      const m = /^([^/]+)(?:\/(\d+))?$/.exec(item);
      if (!m) return `${f.name} '${item}' is malformed`;
      const [, range, step] = m;
      if (step !== undefined && Number(step) < 1) return `${f.name} step '${step}' must be at least 1`;
      if (range === '*') continue;
      const ends = range!.split('-');
      if (ends.length > 2) return `${f.name} range '${range}' is malformed`;
      const lo = value(ends[0]!, f);
      const hi = ends.length === 2 ? value(ends[1]!, f) : lo;
      if (lo === undefined || hi === undefined) return `${f.name} '${range}' is outside ${f.min}–${f.max}`;
      if (hi < lo) return `${f.name} range '${range}' runs backwards`;
    }
  }
  return undefined;
}

export function checkCron(expr: string, field: string): string {
  const problem = cronProblem(expr);
  if (problem !== undefined) {
    throw new InvalidInputError(`${field} = '${expr}' is not a cron expression: ${problem}`, {
      where: { field },
    });
  }
  return expr.trim().split(/\s+/).join(' ');
}
