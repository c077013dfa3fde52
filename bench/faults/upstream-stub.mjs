// A controllable loopback stand-in for the four upstreams of API.md (billing, orders,
// recommendations, directory) on one port, each under its own prefix. Behaviours switch at
// runtime over /_control, per upstream:
//   POST /_control/<upstream>  {"mode":"healthy|delay|error|reset|hang|malformed|trickle|flaky",
//                               "delayMs":0, "status":500, "rate":1.0}
//   POST /_control/set         {"<upstream>":{...},...}: replaces every behaviour at once
//   POST /_control/reset       back to healthy everywhere
//   GET  /_control/stats       {"inFlight":n,"openSockets":n,"requests":n,"aborted":n}
// "rate" is the share of requests the mode applies to (the rest are healthy); "flaky" picks
// one of error/reset/hang/malformed/delay at random for each affected request.
// Loopback only, and it stops by itself after --max-seconds (default 900).
import http from 'node:http';

const args = Object.fromEntries(process.argv.slice(2).map((a, i, all) => a.startsWith('--') ? [a.slice(2), all[i + 1]] : null).filter(Boolean));
const port = Number(args.port ?? 0);
const maxSeconds = Number(args['max-seconds'] ?? 900);
const UPSTREAMS = ['billing', 'orders', 'recommendations', 'directory'];
const HANG_LIMIT_MS = 60_000; // even a hang ends, so that nothing outlives the run

let behaviours = {};
const stats = { inFlight: 0, requests: 0, aborted: 0, openSockets: 0, byUpstream: {} };

function healthyBody(upstream, id) {
  switch (upstream) {
    case 'billing': return JSON.stringify({ userId: id, balance: '12.50', currency: 'EUR', status: 'active' });
    case 'orders': return JSON.stringify([{ id: 'o-1', total: '30.00', currency: 'EUR', placedAt: '2026-01-01T10:00:00Z' }]);
    case 'recommendations': return JSON.stringify([{ sku: 'sku-1', score: 0.93 }]);
    case 'directory': return JSON.stringify({ id, email: `person-${id}@example.com`, displayName: `Person ${id}`, plan: 'pro' });
    default: return '{}';
  }
}

function act(mode, behaviour, req, res, upstream, id, done) {
  const body = healthyBody(upstream, id);
  switch (mode) {
    case 'hang': {
      const t = setTimeout(() => { req.socket.destroy(); done(); }, HANG_LIMIT_MS);
      res.on('close', () => clearTimeout(t));
      return;
    }
    case 'reset': req.socket.resetAndDestroy(); done(); return;
    case 'error': res.writeHead(behaviour.status ?? 500, { 'content-type': 'application/json' }).end('{"error":"injected"}'); done(); return;
    case 'malformed': res.writeHead(200, { 'content-type': 'application/json' }).end('{"userId": 1, "balance": ['); done(); return;
    case 'trickle': {
      // a valid body, one byte every 100 ms: a slow-loris answer
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      let i = 0;
      const t = setInterval(() => {
        if (res.destroyed) { clearInterval(t); return; }
        res.write(body[i++]);
        if (i >= body.length) { clearInterval(t); res.end(); done(); }
      }, 100);
      res.on('close', () => clearInterval(t));
      return;
    }
    default:
      if (upstream === 'directory' && id > 1_000_000) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"no such person"}'); done(); return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(body); done();
  }
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://stub');
  if (url.pathname.startsWith('/_control')) return control(req, res, url);
  const upstream = url.pathname.split('/')[1];
  const id = Number((url.pathname.match(/\/(?:accounts|users|people)\/(\d+)/) ?? [])[1] ?? 0);
  stats.requests++; stats.inFlight++;
  stats.byUpstream[upstream] = (stats.byUpstream[upstream] ?? 0) + 1;
  let finished = false;
  const done = () => { if (!finished) { finished = true; stats.inFlight--; } };
  res.on('close', () => { if (!finished) { stats.aborted++; done(); } });
  const behaviour = behaviours[upstream] ?? { mode: 'healthy' };
  let mode = behaviour.mode ?? 'healthy';
  if (Math.random() >= (behaviour.rate ?? 1)) mode = 'healthy';
  if (mode === 'flaky') mode = ['error', 'reset', 'hang', 'malformed', 'delay'][Math.floor(Math.random() * 5)];
  const delay = mode === 'delay' ? (behaviour.delayMs ?? 3000) : (behaviour.delayMs ?? 0);
  if (mode === 'delay') mode = 'healthy';
  if (delay > 0) {
    const t = setTimeout(() => act(mode, behaviour, req, res, upstream, id, done), delay);
    res.on('close', () => clearTimeout(t));
  } else {
    act(mode, behaviour, req, res, upstream, id, done);
  }
});

function control(req, res, url) {
  let data = '';
  req.on('data', c => { data += c; });
  req.on('end', () => {
    const name = url.pathname.split('/')[2];
    if (req.method === 'GET' && name === 'stats') {
      stats.openSockets = openSockets.size;
      return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stats));
    }
    if (name === 'reset') { behaviours = {}; return res.writeHead(204).end(); }
    if (name === 'set') { behaviours = JSON.parse(data || '{}'); return res.writeHead(204).end(); } // all at once
    if (UPSTREAMS.includes(name)) { behaviours[name] = JSON.parse(data || '{}'); return res.writeHead(204).end(); }
    res.writeHead(404).end();
  });
}

const openSockets = new Set();
server.on('connection', s => { openSockets.add(s); s.on('close', () => openSockets.delete(s)); });
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => console.log(`upstream stub on 127.0.0.1:${server.address().port}`));
setTimeout(() => { console.log('upstream stub: time is up, stopping'); process.exit(0); }, maxSeconds * 1000).unref();
process.on('SIGTERM', () => process.exit(0));
