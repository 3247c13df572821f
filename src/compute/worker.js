// Worker-thread entry of the threads backend (threads.ts) and of the task pool (task-pool.ts). Plain
// JavaScript on purpose: node cannot load a .ts file as a worker by itself, so this file first registers
// tsx's ESM loader and then imports task modules, which may be TypeScript. It runs under `tsx`, under vitest
// and under plain node alike.
//
// Two modes, chosen by `workerData`:
// - `{ taskModuleUrl, shared }` (task pool): one task module and one payload for the worker's life.
// - `{ mode: 'backend', preload }` (threads backend): the pool outlives runs, so each task names its module
//   and carries its run's payload with an id; the first copy of a payload is kept and reused for the rest of
//   that run, so caches keyed on its identity keep working across tasks.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();

/** Task modules by URL, imported once per worker. */
const modules = new Map();
function load(url) {
  let m = modules.get(url);
  if (!m) {
    m = import(url);
    modules.set(url, m);
  }
  return m;
}

const fixed = workerData?.mode === 'backend' ? undefined : workerData;
if (fixed) await load(fixed.taskModuleUrl);
else await Promise.all((workerData?.preload ?? []).map(load));

/** The current run's payload (threads backend): dropped when a task of another run arrives. */
let current = { id: 0, shared: undefined };

/** Piscina calls this once per task; errors are encoded so the caller can rebuild their typed class. */
export default async function runOne(message) {
  try {
    const { task, index } = message;
    let url = fixed?.taskModuleUrl;
    let shared = fixed?.shared;
    if (!fixed) {
      if (current.id !== message.payloadId) current = { id: message.payloadId, shared: message.shared };
      url = message.taskModuleUrl;
      shared = current.shared;
    }
    const mod = await load(url);
    const t0 = performance.now();
    const result = await mod.runTask(task, shared, { index });
    return { ok: true, result, ms: performance.now() - t0 };
  } catch (e) {
    const { encodeTaskError } = await import('./task-error.ts');
    return { ok: false, error: encodeTaskError(e) };
  }
}
