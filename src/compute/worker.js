// Worker-thread entry of the threads backend. Plain JavaScript on purpose: node cannot load a .ts file as a
// worker by itself, so this file first registers tsx's ESM loader and then imports the task module, which
// may be TypeScript. It runs under `tsx`, under vitest and under plain node alike.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();

const { taskModuleUrl, shared } = workerData;
const mod = await import(taskModuleUrl);

/** Piscina calls this once per task; errors are encoded so the caller can rebuild their typed class. */
export default async function runOne({ task, index }) {
  const t0 = performance.now();
  try {
    const result = await mod.runTask(task, shared, { index });
    return { ok: true, result, ms: performance.now() - t0 };
  } catch (e) {
    const { encodeTaskError } = await import('./task-error.ts');
    return { ok: false, error: encodeTaskError(e) };
  }
}
