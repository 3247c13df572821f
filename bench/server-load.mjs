// Open-loop HTTP load for bench/server.bench.ts, run in its own process so that the server's process CPU
// time is the server's alone. argv: <base url> <paths file: JSON array> <rate per s> <time limit ms>.
// Request k is sent at t0 + k/rate; its latency counts from that scheduled instant, so a slow server cannot
// hide queueing (no coordinated omission). Prints one JSON line.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

const [base, pathsFile, rateText, limitText] = process.argv.slice(2);
const paths = JSON.parse(readFileSync(pathsFile, 'utf8'));
const rate = Number(rateText);
const timeLimitMs = Number(limitText);
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function get(url) {
  return new Promise((resolve) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

const count = paths.length;
const latency = new Float64Array(count).fill(Number.NaN);
let errors = 0;
const t0 = performance.now();
const pending = [];
for (let k = 0; k < count; k++) {
  const at = t0 + (k * 1000) / rate;
  const wait = at - performance.now();
  if (wait > 1) await new Promise((r) => setTimeout(r, wait));
  if (performance.now() - t0 > timeLimitMs) break;
  pending.push(
    get(`${base}${paths[k]}`).then((status) => {
      latency[k] = performance.now() - at;
      if (status !== 200) errors++;
    }),
  );
}
await Promise.all(pending);
const elapsed = performance.now() - t0;
agent.destroy();
const done = latency.filter((x) => !Number.isNaN(x)).sort();
const q = (p) => done[Math.min(done.length - 1, Math.floor(p * done.length))];
process.stdout.write(
  `${JSON.stringify({
    requests: done.length,
    errors: errors + (count - done.length),
    achievedRps: (done.length * 1000) / elapsed,
    p50Ms: q(0.5),
    p90Ms: q(0.9),
    p99Ms: q(0.99),
    maxMs: done[done.length - 1],
  })}\n`,
);
