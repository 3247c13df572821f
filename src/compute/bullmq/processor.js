// Entry of a BullMQ sandboxed child (process or worker thread) for compute jobs. Plain JavaScript: the
// child guard (tsx loader, parent watchdog) must run before any TypeScript loads — see sandboxed-child.js.
import './sandboxed-child.js';

const { default: processComputeJob } = await import('./processor-impl.ts');

export default processComputeJob;
