// Entry of a BullMQ sandboxed child for scheduled jobs. Plain JavaScript: the child guard (tsx loader,
// parent watchdog) must run before any TypeScript loads — see ../bullmq/sandboxed-child.js.
import '../bullmq/sandboxed-child.js';

const { default: processScheduledJob } = await import('./processor-impl.ts');

export default processScheduledJob;
