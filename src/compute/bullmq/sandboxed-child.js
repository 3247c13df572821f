// Imported first by every entry of a BullMQ sandboxed child (processor.js here, ../schedule/processor.js).
// Plain JavaScript on purpose, like ../worker.js: it registers tsx's loader so the TypeScript handler and
// task modules load under plain node too.
//
// A child process must not outlive its worker: a SIGKILLed worker cannot stop it, and a task running on
// for nobody wastes a core (its result is never collected: the job runs again elsewhere). An idle child
// sees its IPC channel close; a busy one is blocked in the task, so a small watchdog thread checks the parent
// pid and kills the process as soon as it is re-parented.
import { Worker } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

if (typeof process.send === 'function') {
  process.on('disconnect', () => process.exit(1));
  const watchdog = new Worker(
    `const { workerData } = require('node:worker_threads');
     setInterval(() => { if (process.ppid !== workerData) process.kill(process.pid, 'SIGKILL'); }, 100);`,
    { eval: true, workerData: process.ppid, execArgv: [], stdout: true, stderr: true },
  );
  watchdog.unref();
}
register();
