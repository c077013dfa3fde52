// A bounded load generator that records every request: its start (epoch ms), latency,
// status (0 = no answer: refused, reset or cut off; -1 = no answer within --timeout-ms),
// and the X-Degraded header. Closed loop (--concurrency N) or open loop (--rate R per
// second, at most --max-in-flight outstanding; a request beyond that is recorded as
// status -2, "not sent", never silently dropped). Stops by itself after --duration seconds.
//   node load.mjs --base http://127.0.0.1:8080 --path '/users/{id}/profile' --ids 1-100 \
//        --concurrency 16 --duration 20 --out requests.csv [--header 'Request-Timeout: 800']
import http from 'node:http';
import fs from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const argv = process.argv.slice(2);
const opt = (name, dflt) => { const i = argv.indexOf('--' + name); return i >= 0 ? argv[i + 1] : dflt; };
const base = new URL(opt('base', 'http://127.0.0.1:8080'));
const pathTemplate = opt('path', '/users/{id}/profile');
const [lo, hi] = opt('ids', '1-1').split('-').map(Number);
const concurrency = Number(opt('concurrency', 0));
const rate = Number(opt('rate', 0));
const maxInFlight = Number(opt('max-in-flight', 2048));
const durationMs = Number(opt('duration', 10)) * 1000;
const timeoutMs = Number(opt('timeout-ms', 10_000));
const method = opt('method', 'GET');
const body = opt('body', null);
const out = opt('out', null);
const headers = {};
for (let i = 0; i < argv.length; i++) if (argv[i] === '--header') { const [k, ...v] = argv[i + 1].split(':'); headers[k.trim()] = v.join(':').trim(); }
if (body) headers['content-type'] = 'application/json';

// The generator's own lateness: on a shared two-core machine its event loop waits for CPU too,
// and every latency it records includes that wait. Reported beside the figures, never subtracted.
const ownDelay = monitorEventLoopDelay({ resolution: 1 });
ownDelay.enable();
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency || maxInFlight });
const rows = [];
let inFlight = 0, seq = 0;
const started = Date.now();

function one() {
  const id = lo + (seq++ % (hi - lo + 1));
  const path = pathTemplate.replace('{id}', id);
  const t0 = Date.now(), h0 = process.hrtime.bigint();
  inFlight++;
  return new Promise(resolve => {
    let settled = false;
    const finish = (status, degraded = '', err = '', type = '', retryAfter = '') => {
      if (settled) return; settled = true; inFlight--;
      rows.push([t0, Number(process.hrtime.bigint() - h0) / 1e6, status, degraded, err, path, type.split(';')[0], retryAfter]);
      resolve();
    };
    const req = http.request({ host: base.hostname, port: base.port, path, method, headers, agent }, res => {
      res.resume();
      res.on('end', () => finish(res.statusCode, (res.headers['x-degraded'] ?? '').replaceAll(',', ' '), '', res.headers['content-type'] ?? '',
        res.headers['retry-after'] ?? ''));
      res.on('error', e => finish(0, '', e.code ?? e.message));
    });
    req.setTimeout(timeoutMs, () => { finish(-1, '', 'timeout'); req.destroy(); });
    req.on('error', e => finish(0, '', e.code ?? e.message));
    if (body) req.write(body.replace('{id}', id));
    req.end();
  });
}

async function closedLoop() {
  const workers = Array.from({ length: concurrency }, async () => {
    while (Date.now() - started < durationMs) await one();
  });
  await Promise.all(workers);
}

async function openLoop() {
  const pending = [];
  const intervalMs = 1000 / rate;
  let next = Date.now();
  while (Date.now() - started < durationMs) {
    const now = Date.now();
    while (next <= now) {
      if (inFlight >= maxInFlight) rows.push([now, 0, -2, '', 'not sent: in-flight cap', '', '', '']);
      else pending.push(one());
      next += intervalMs;
    }
    await new Promise(r => setTimeout(r, 2));
  }
  await Promise.all(pending);
}

await (concurrency > 0 ? closedLoop() : openLoop());
ownDelay.disable();
agent.destroy();
if (out) fs.writeFileSync(out, 'start_ms,latency_ms,status,degraded,error,path,type,retry_after\n' + rows.map(r => r.join(',')).join('\n') + '\n');
const byStatus = {};
for (const r of rows) byStatus[r[2]] = (byStatus[r[2]] ?? 0) + 1;
const lat = rows.filter(r => r[2] > 0).map(r => r[1]).sort((a, b) => a - b);
const q = p => lat.length ? lat[Math.min(lat.length - 1, Math.floor(p * lat.length))].toFixed(1) : 'n/a';
console.log(JSON.stringify({ sent: rows.length, byStatus, p50: q(0.5), p99: q(0.99), max: lat.length ? lat[lat.length - 1].toFixed(1) : 'n/a',
  seconds: ((Date.now() - started) / 1000).toFixed(1), rps: (rows.length / ((Date.now() - started) / 1000)).toFixed(0),
  generatorDelayP99Ms: (ownDelay.percentile(99) / 1e6).toFixed(1), generatorDelayMaxMs: (ownDelay.max / 1e6).toFixed(1) }));
