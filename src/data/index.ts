/** data/: universe readers and writers (io) and the seeded synthetic market (synthetic). */
export * from './io/index.ts';
export * from './synthetic/index.ts';
