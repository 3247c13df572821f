#!/usr/bin/env node
// Adds lockfile entries for optional, platform-specific packages that the npm registry used here does not
// serve (404), so that `npm ci` accepts the lockfile (npm/cli #9846, #9342: npm 11 omits such packages from
// the lock it writes, then `npm ci` reports them "Missing"). Each stub carries the os/cpu/libc its name
// encodes, so npm skips it on every other platform and never fetches it. See docs/decisions/004.
// Usage: node tools/lock-platform-stubs.mjs [package-lock.json]
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

const file = process.argv[2] ?? 'package-lock.json';
const lock = JSON.parse(readFileSync(file, 'utf8'));
const PLATFORM = /-(android|darwin|linux|win32|freebsd|openbsd|sunos|aix)-(arm64|x64|arm|ia32|ppc64|s390x|riscv64|loong64)(?:-(musl|gnu|msvc|eabi))?$/;
let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const m = PLATFORM.exec(name);
    if (!m) continue;
    const nested = `${path ? `${path}/` : ''}node_modules/${name}`;
    if (lock.packages[`node_modules/${name}`] || lock.packages[nested]) continue;
    const stub = { version, ...(entry.dev ? { dev: true } : {}), optional: true, os: [m[1]], cpu: [m[2]] };
    if (m[3] === 'musl' || m[3] === 'gnu') stub.libc = [m[3] === 'gnu' ? 'glibc' : 'musl'];
    lock.packages[`node_modules/${name}`] = stub;
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)));
writeFileSync(`${file}.tmp`, `${JSON.stringify(lock, null, 2)}\n`);
renameSync(`${file}.tmp`, file);
console.log(`${added} platform stub(s) added to ${file}`);
