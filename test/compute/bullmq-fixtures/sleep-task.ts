// Task module for the fault test: blocks like CPU-bound work for a while, logs when it starts and ends
// (with its process and parent ids, so the test knows which worker ran it), writes its own slot of a shared
// output and returns a value whose bits depend on the shared input.
import { appendFileSync } from 'node:fs';

export interface SleepShared {
  readonly log: string;
  readonly ms: number;
  readonly input: Float64Array;
  readonly output: Float64Array;
}

export function runTask(task: { i: number }, shared: SleepShared): { i: number; value: number } {
  appendFileSync(shared.log, `start ${task.i} ${process.pid} ${process.ppid}\n`);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, shared.ms);
  let value = 0;
  for (let k = 0; k < shared.input.length; k++) value += Math.sqrt(Math.abs(shared.input[k]! * (task.i + 1)));
  shared.output[task.i] = value / 3;
  appendFileSync(shared.log, `end ${task.i} ${process.pid} ${process.ppid}\n`);
  return { i: task.i, value };
}
