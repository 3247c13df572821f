// Headless Chromium for integration tests (architecture.md §10): Debian's chromium driven by playwright-core,
// started with the flags this sandbox needs (no sandbox as root, no background networking).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';

export const chromiumPath = process.env.ALPHALAB_TEST_CHROMIUM;

export function skipReasonChromium(): string | undefined {
  return chromiumPath
    ? undefined
    : 'ALPHALAB_TEST_CHROMIUM is not set: browser tests skipped (set it to a Chromium binary, e.g. /usr/bin/chromium)';
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath!,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Folder for screenshots kept as test artifacts. */
export function artifactDir(name: string): string {
  const dir = join(process.cwd(), 'test-results', name);
  mkdirSync(dir, { recursive: true });
  return dir;
}
