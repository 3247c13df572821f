/**
 * Progress bars for long CLI steps (architecture.md §8), drawn with cli-progress on stderr and only when
 * stderr is a terminal, so pipes, logs and `--json` output stay clean. Library code never draws: it takes
 * an `onProgress(done, total)` callback, and commands pass `progressCallback(...)` from here.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  /** Advances by `n` (default 1). */
  tick(n?: number): void;
  /** Sets the absolute number of finished units (and the total, if it changed). */
  update(done: number, total?: number): void;
  /** Removes the bar; idempotent. */
  stop(): void;
}

export interface ProgressOptions {
  /** Draw a bar; usually `process.stderr.isTTY`. When false every method is a no-op. */
  readonly enabled: boolean;
  readonly stream?: NodeJS.WritableStream;
}

const NOOP: Progress = { tick() {}, update() {}, stop() {} };

/** A progress bar labelled `label` over `total` units (no-op unless `options.enabled`). */
export function createProgress(label: string, total: number, options: ProgressOptions): Progress {
  if (!options.enabled) return NOOP;
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} | {duration_formatted}`,
      stream: options.stream ?? process.stderr,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  let done = 0;
  let stopped = false;
  return {
    tick(n = 1) {
      done += n;
      bar.update(done);
    },
    update(value, newTotal) {
      done = value;
      if (newTotal !== undefined) bar.setTotal(newTotal);
      bar.update(done);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}

/**
 * An `onProgress(done, total)` callback for library functions: the bar is created on the first call
 * (when the total is known) and stopped when `done` reaches `total`.
 */
export function progressCallback(
  label: string,
  options: ProgressOptions,
): (done: number, total: number) => void {
  let bar: Progress | undefined;
  return (done, total) => {
    bar ??= createProgress(label, total, options);
    bar.update(done, total);
    if (done >= total) bar.stop();
  };
}
