// Judges the requests of a load.mjs CSV that started in [--from, --to) (epoch ms):
//   --allow 200,503        every status must be one of these (0 = refused/reset, -1 = hung)
//   --max-latency 2050     every answer within this many ms
//   --degraded             every 200 must name a degraded part (X-Degraded)
//   --problem              every non-2xx answer must be application/problem+json
//   --min 1                at least this many requests in the window
//   --retry-after 503      every answer of this status must carry Retry-After
//   --max-latency-of 503:10  every answer of this status within this many ms
// Prints one JSON line of figures, and exits 1 when a rule is broken.
import fs from 'node:fs';
const argv = process.argv.slice(2);
const opt = (n, d) => { const i = argv.indexOf('--' + n); return i >= 0 ? argv[i + 1] : d; };
const has = n => argv.includes('--' + n);
const from = Number(opt('from', 0)), to = Number(opt('to', Number.MAX_SAFE_INTEGER));
const allow = opt('allow', null)?.split(',').map(Number);
const maxLatency = Number(opt('max-latency', Infinity));
const min = Number(opt('min', 1));
const retryAfterOn = opt('retry-after', null) === null ? null : Number(opt('retry-after'));
const [latencyOf, latencyOfMax] = (opt('max-latency-of', ':') ?? ':').split(':').map(v => v === '' ? null : Number(v));
const rows = fs.readFileSync(opt('csv'), 'utf8').trim().split('\n').slice(1).map(l => l.split(','))
  .map(([start, latency, status, degraded, error, path, type, retry]) => ({ start: +start, latency: +latency, status: +status, degraded, error, path, type, retry }))
  .filter(r => r.start >= from && r.start < to);
const broken = [];
const byStatus = {};
let max = 0;
for (const r of rows) {
  byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  if (r.status > 0) max = Math.max(max, r.latency);
  if (allow && !allow.includes(r.status)) broken.push(`status ${r.status}${r.error ? ' (' + r.error + ')' : ''} for ${r.path}`);
  else if (r.latency > maxLatency && r.status !== -2) broken.push(`${r.latency.toFixed(0)} ms > ${maxLatency} ms (status ${r.status}) for ${r.path}`);
  else if (has('degraded') && r.status === 200 && !r.degraded) broken.push(`200 without X-Degraded for ${r.path}`);
  else if (has('problem') && r.status >= 300 && r.type !== 'application/problem+json') broken.push(`status ${r.status} as ${r.type || 'no type'}`);
  else if (retryAfterOn !== null && r.status === retryAfterOn && !r.retry) broken.push(`${r.status} without Retry-After`);
  else if (latencyOf !== null && r.status === latencyOf && r.latency > latencyOfMax) broken.push(`${r.status} after ${r.latency.toFixed(1)} ms > ${latencyOfMax} ms`);
}
const latencies = {};
for (const r of rows) if (r.status > 0) (latencies[r.status] ??= []).push(r.latency);
const p99ByStatus = Object.fromEntries(Object.entries(latencies).map(([s, l]) => {
  l.sort((a, b) => a - b); return [s, +l[Math.min(l.length - 1, Math.floor(0.99 * l.length))].toFixed(1)];
}));
if (rows.length < min) broken.push(`only ${rows.length} request(s) in the window, expected at least ${min}`);
const spanS = rows.length ? (rows.reduce((m, r) => Math.max(m, r.start), 0) - rows.reduce((m, r) => Math.min(m, r.start), Infinity)) / 1000 : 0;
const okPerSecond = spanS > 0 ? +((byStatus[200] ?? 0) / spanS).toFixed(0) : 0;
console.log(JSON.stringify({ requests: rows.length, byStatus, okPerSecond, maxLatencyMs: +max.toFixed(1), p99ByStatus, broken: broken.length, firstBroken: broken.slice(0, 3) }));
process.exit(broken.length ? 1 : 0);
