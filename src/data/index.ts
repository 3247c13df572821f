/** data/: universe readers and writers (io). The synthetic market lives in ./synthetic. */
export * from './io/index.ts';
