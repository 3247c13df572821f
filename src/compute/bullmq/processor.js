// Entry of a BullMQ sandboxed child (process or worker thread) for compute jobs. Plain JavaScript on
// purpose, like ../worker.js: it registers tsx's loader so the TypeScript handler and task modules load
// under plain node too. A child process exits as soon as its worker dies (the IPC channel closes), so a
// SIGKILLed worker leaves no orphans running tasks nobody will collect.
import { register } from 'tsx/esm/api';

if (typeof process.send === 'function') process.on('disconnect', () => process.exit(1));
register();

const { default: processComputeJob } = await import('./processor-impl.ts');

export default processComputeJob;
