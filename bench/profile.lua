-- GET /users/{random 1..N}/profile; counts non-2xx and degraded answers (non-empty X-Degraded)
-- per thread, and prints one machine-readable RESULT line at the end.
local threads = {}
local max_id = tonumber(os.getenv("BENCH_USERS") or "100000")

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  degraded = 0
  non2xx = 0
  statuses = {}
  math.randomseed(os.time() * 1000 + id)
end

function request()
  return wrk.format("GET", "/users/" .. math.random(1, max_id) .. "/profile")
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    -- the problem's type and the first words of its detail say why (which upstream, which part)
    local kind = string.match(body or "", '"type":"[^"]-([%w-]+)"') or "?"
    local who = string.match(body or "", '"detail":"(%S+)') or "?"
    local key = status .. "/" .. kind .. "/" .. who
    statuses[key] = (statuses[key] or 0) + 1
  end
  local d = headers["X-Degraded"] or headers["x-degraded"]
  if d ~= nil and d ~= "" then
    degraded = degraded + 1
  end
end

function done(summary, latency, requests)
  local deg, bad, codes = 0, 0, {}
  for _, t in ipairs(threads) do
    deg = deg + t:get("degraded")
    bad = bad + t:get("non2xx")
    for code, count in pairs(t:get("statuses")) do
      codes[code] = (codes[code] or 0) + count
    end
  end
  local statuses = ""
  for code, count in pairs(codes) do
    statuses = statuses .. code .. ":" .. count .. ","
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d mean_us=%.0f "
    .. "socket_errors=%d connect=%d read=%d write=%d timeout=%d non2xx=%d degraded=%d statuses=%s\n",
    summary.requests, summary.duration, summary.requests / summary.duration * 1e6,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    e.connect + e.read + e.write + e.timeout, e.connect, e.read, e.write, e.timeout, bad, deg,
    statuses == "" and "-" or statuses))
end
