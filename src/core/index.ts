export * from './calendar.ts';
export * from './config.ts';
export * from './errors.ts';
export * from './log.ts';
export * from './panel.ts';
export * from './rng.ts';
export * from './universe.ts';
