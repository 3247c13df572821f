import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress, progressCallback } from '../../src/cli/progress.ts';

/** A stream that claims to be a terminal, capturing what the bar draws. */
function fakeTty(): { stream: NodeJS.WritableStream; text: () => string } {
  const s = new PassThrough();
  let out = '';
  s.on('data', (d) => {
    out += String(d);
  });
  Object.assign(s, {
    isTTY: true,
    columns: 100,
    cursorTo: () => true,
    clearLine: () => true,
    moveCursor: () => true,
  });
  return { stream: s as unknown as NodeJS.WritableStream, text: () => out };
}

describe('progress bars', () => {
  it('draw nothing when disabled', () => {
    const tty = fakeTty();
    const p = createProgress('work', 10, { enabled: false, stream: tty.stream });
    p.tick();
    p.update(5);
    p.stop();
    progressCallback('cb', { enabled: false, stream: tty.stream })(1, 2);
    expect(tty.text()).toBe('');
  });

  it('draw the label and counts on a terminal and stop cleanly', () => {
    const tty = fakeTty();
    const p = createProgress('work', 4, { enabled: true, stream: tty.stream });
    p.tick(2);
    p.stop();
    p.stop();
    expect(tty.text()).toContain('work');
    expect(tty.text()).toMatch(/\d\/4/);
  });
});
