// Entry of a BullMQ sandboxed child for scheduled jobs (see ../bullmq/processor.js for why it is JavaScript
// and why it watches its parent).
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

const { default: processScheduledJob } = await import('./processor-impl.ts');

export default processScheduledJob;
