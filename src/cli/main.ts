/**
 * Entry point of the `alphalab` command (bin/alphalab.js, `npm run alphalab -- …`). The only place that
 * sets the process exit code; it lets pending output (and pino's transport) flush instead of calling
 * process.exit mid-write.
 */
import { runCli } from './program.ts';

process.exitCode = await runCli(process.argv);
