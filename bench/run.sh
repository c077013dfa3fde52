#!/usr/bin/env bash
# The profile function against its floor, end to end, in one command:
#   builds the app; starts PostgreSQL seeded with 100,000 users; starts a
#   non-blocking upstream stub with a fixed latency and proves it is not the
#   bottleneck; measures the sequential baseline; starts the packaged app in prod
#   mode (JVM) with a stated heap, then its asyncio peer (bench/peers/asyncio), one
#   after the other, each started afresh for every repetition; drives
#   GET /users/{random}/profile with wrk at each connection count; writes
#   bench/results/<date>.md (one table for both, with the spread over the
#   repetitions), <date>.png (req/s and p99 per connection count) and raw output;
#   tears everything down.
#
#   bench/run.sh                      # both stacks, 64, 256 and 1024 connections, 30 s each, 3 times
#   bench/run.sh --smoke              # a few minutes, tiny, asserts only that it works
#   bench/run.sh --only fanout        # one stack only (fanout | native | asyncio; a comma list for several)
#   bench/run.sh --native-zip target/function.zip   # also the native executable (native/build.sh --native), after the JVM
#   bench/run.sh --repeats 5 --connections 256 --duration 60 --stub-latency-ms 20 --heap 192m --young 112m --db-pool 64 --upstream-pool 256
#   bench/run.sh --jfr 256            # also records a JFR profile of Fanout's first run at 256 connections
#   bench/run.sh --stub-set '{"orders":{"latencyMs":20,"tail":"0.01:500"}}'   # per-upstream stand-in behaviours (a heavy tail, say)
#   bench/run.sh --tracing exported   # off (SDK disabled) | unsampled (the default: ids, no spans recorded) | exported (every span, over OTLP/HTTP to a sink)
#
# Only loopback targets; every load run is bounded in time. See bench/README.md.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BENCH="$ROOT/bench"

CONNECTIONS="64 256 1024"
DURATION=30          # seconds measured per connection count
WARMUP=30            # seconds of unmeasured load at 256 connections after start (JIT)
REWARM=20            # seconds of unmeasured load at the row's own connection count right before it
STUB_LATENCY_MS=20
STUB_SET=""           # --stub-set: UpstreamStandIn behaviours per upstream (JSON), over the fixed latency
STUB_CHECK=10        # seconds per connection count, the stub alone
BASELINE_SECONDS=10
HEAP=192m            # -Xms = -Xmx: the heap is stated, not left to ergonomics (see bench/README.md)
YOUNG=112m           # -Xmn, with -XX:SurvivorRatio=3: room for what 256 requests in flight hold at a young GC
DB_POOL=64           # FANOUT_DB_POOL_MAX_SIZE (see bench/README.md)
UPSTREAM_POOL=256    # fanout.upstream.connection-pool-size, also UpstreamCalls' bulkhead
USERS=100000
MAX_WAIT=600         # seconds to wait for a quiet machine before each measurement
QUIET_CORES=0.10     # "quiet": other processes use under this many cores
STACKS="fanout asyncio"  # measured in this order, one after the other, in every repetition
TRACING=unsampled    # --tracing: what the app's traces cost (see bench/README.md, "Tracing")
NATIVE_ZIP=""        # --native-zip: native/build.sh --native's package; adds the "native" stack after "fanout"
REPEATS=3            # each stack is started afresh and measured this many times: the spread is reported
PEER_WORKERS="$(nproc)"  # uvicorn worker processes (one event loop each); the pools are split between them
JFR_AT=""
SMOKE=0
SKIP_BUILD=0
declare -A GIVEN=()  # options given on the command line, which --smoke leaves alone

usage() { sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  GIVEN[$1]=1
  case "$1" in
    --smoke) SMOKE=1 ;;
    --only)
      STACKS="${2//,/ }"
      for stack in $STACKS; do
        case "$stack" in fanout|native|asyncio) ;; *) echo "--only takes fanout, native or asyncio (a comma list for several)" >&2; exit 2 ;; esac
      done
      shift ;;
    --native-zip) NATIVE_ZIP="$2"; shift ;;
    --tracing)
      case "$2" in off|unsampled|exported) TRACING="$2" ;; *) echo "--tracing takes off, unsampled or exported" >&2; exit 2 ;; esac
      shift ;;
    --repeats) REPEATS="$2"; shift ;;
    --peer-workers) PEER_WORKERS="$2"; shift ;;
    --connections) CONNECTIONS="${2//,/ }"; shift ;;
    --duration) DURATION="$2"; shift ;;
    --warmup) WARMUP="$2"; shift ;;
    --rewarm) REWARM="$2"; shift ;;
    --stub-latency-ms) STUB_LATENCY_MS="$2"; shift ;;
    --stub-set) STUB_SET="$2"; shift ;;
    --heap) HEAP="$2"; shift ;;
    --young) YOUNG="$2"; shift ;;
    --db-pool) DB_POOL="$2"; shift ;;
    --upstream-pool) UPSTREAM_POOL="$2"; shift ;;
    --max-wait) MAX_WAIT="$2"; shift ;;
    --jfr) JFR_AT="$2"; shift ;;
    --skip-build) SKIP_BUILD=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
if [ "$SMOKE" = 1 ]; then
  # Two connection counts and two runs, so that the chart has lines and the table a spread.
  [ -n "${GIVEN[--connections]:-}" ] || CONNECTIONS="16 32"
  [ -n "${GIVEN[--duration]:-}" ] || DURATION=3
  [ -n "${GIVEN[--warmup]:-}" ] || WARMUP=2
  [ -n "${GIVEN[--rewarm]:-}" ] || REWARM=1
  [ -n "${GIVEN[--repeats]:-}" ] || REPEATS=2
  [ -n "${GIVEN[--max-wait]:-}" ] || MAX_WAIT=0
  STUB_CHECK=2; BASELINE_SECONDS=2; USERS=1000
fi
[ "$REPEATS" -ge 1 ] 2>/dev/null || { echo "--repeats must be a positive number" >&2; exit 2; }
if [ -n "$NATIVE_ZIP" ] && [ -z "${GIVEN[--only]:-}" ]; then
  STACKS="${STACKS/fanout/fanout native}"
fi
if [[ " $STACKS " == *" native "* ]]; then
  [ -n "$NATIVE_ZIP" ] || NATIVE_ZIP="$ROOT/target/function.zip"
  unzip -l "$NATIVE_ZIP" 2>/dev/null | grep -qE ' fanout$' ||
    { echo "$NATIVE_ZIP is not a native package: build one with native/build.sh --native, or pass --native-zip" >&2; exit 2; }
  NATIVE_ZIP="$(cd "$(dirname "$NATIVE_ZIP")" && pwd)/$(basename "$NATIVE_ZIP")"
fi

export BENCH_USERS=$USERS  # profile.lua draws ids from 1..BENCH_USERS
STAMP="$(date -u +%Y-%m-%d-%H%M)"
WORK="$(mktemp -d /tmp/fanout-bench.XXXXXX)"
chmod 755 "$WORK"
RAW="$WORK/raw"
mkdir -p "$RAW"
CLK_TCK="$(getconf CLK_TCK)"
NCPU="$(nproc)"
APP_PID="" APP_PIDS="" STUB_PID="" SINK_PID="" PG_BIN="" PG_DATA="$WORK/pg"
PEER="$BENCH/peers/asyncio"
# Debian's interpreter, which sees Debian's python3-* packages (a pyenv or venv python3 would not).
PY=/usr/bin/python3
LIB="$ROOT/target/quarkus-app/lib/main"

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# ---------------------------------------------------------------- teardown
cleanup() {
  set +e
  [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null && wait "$APP_PID" 2>/dev/null
  for pid in $APP_PIDS; do kill "$pid" 2>/dev/null; done
  [ -n "$STUB_PID" ] && kill "$STUB_PID" 2>/dev/null && wait "$STUB_PID" 2>/dev/null
  [ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null && wait "$SINK_PID" 2>/dev/null
  if [ -n "$PG_BIN" ] && [ -f "$PG_DATA/postmaster.pid" ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- tools
apt_install() {
  command -v apt-get >/dev/null || { echo "need $* and no apt-get to install it" >&2; exit 1; }
  log "installing $* (apt)"
  local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get install -y -q "$@" >/dev/null 2>&1 || { $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q "$@" >/dev/null; }
}
command -v wrk >/dev/null || apt_install wrk
command -v curl >/dev/null || apt_install curl
command -v pgrep >/dev/null || apt_install procps
command -v awk >/dev/null || apt_install gawk
[[ " $STACKS " == *" native "* ]] && ! command -v unzip >/dev/null && apt_install unzip
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
if [ -z "$PG_BIN" ] || ! command -v psql >/dev/null; then
  apt_install postgresql
  PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
fi
command -v javac >/dev/null || { echo "need a JDK 17+ (javac): the stub and the baseline run from source" >&2; exit 1; }
[ -x "$PY" ] || apt_install python3
# The peer: Debian 12's own packages, no PyPI (bench/peers/asyncio/README.md).
if [[ " $STACKS " == *" asyncio "* ]] && ! "$PY" -c 'import fastapi, uvicorn, uvloop, httptools, httpx, asyncpg' 2>/dev/null; then
  apt_install python3-fastapi python3-uvicorn python3-uvloop python3-httptools python3-httpx python3-asyncpg
fi
# The chart.
"$PY" -c 'import matplotlib' 2>/dev/null || apt_install python3-matplotlib

# PostgreSQL refuses to run as root: as root, run it as the postgres user the package created.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# shellcheck source=lib/ports.sh
source "$BENCH/lib/ports.sh"

# ---------------------------------------------------------------- /proc accounting
jiffies_of() { # utime+stime of the given pids (those still alive)
  local total=0 pid f
  for pid in "$@"; do
    f="$(cat "/proc/$pid/stat" 2>/dev/null)" || continue
    f="${f##*) }"
    total=$(( total + $(echo "$f" | awk '{print $12 + $13}') ))
  done
  echo "$total"
}
pg_pids() { local pm; pm="$(head -1 "$PG_DATA/postmaster.pid")"; echo "$pm" $(pgrep -P "$pm"); }
machine_busy() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }
children_jiffies() { # CPU of waited-for children (wrk), from the shell's `times`, saved by save_times
  tail -1 "$WORK/times" | awk -v hz="$CLK_TCK" '{
    split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%d\n", (u[1]*60 + u[2] + s[1]*60 + s[2]) * hz }'
}
kb_of() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status"; }
kb_sum() { # $1 = VmRSS | VmHWM, summed over the pids that follow (the peer is several processes)
  local key="$1" total=0 pid; shift
  for pid in "$@"; do total=$(( total + $(kb_of "$pid" "$key" 2>/dev/null || echo 0) )); done
  echo "$total"
}
descendants() { local child; for child in $(pgrep -P "$1"); do echo "$child"; descendants "$child"; done; }
loadavg() { cut -d' ' -f1 /proc/loadavg; }

# Waits until processes other than ours use under QUIET_CORES, at most MAX_WAIT s; sets OTHER
# to what they used. (The load average also counts our own previous run, so it is recorded, not
# waited on.) Runs in this shell, not a subshell, so that a signal stops it at once.
wait_quiet() {
  local waited=0 b0 o0 b1 o1
  while :; do
    b0=$(machine_busy); o0=$(jiffies_of $APP_PIDS $STUB_PID $(pg_pids))
    sleep 3
    b1=$(machine_busy); o1=$(jiffies_of $APP_PIDS $STUB_PID $(pg_pids))
    OTHER=$(awk -v b=$((b1 - b0)) -v o=$((o1 - o0)) -v hz="$CLK_TCK" 'BEGIN{printf "%.2f", (b - o) / hz / 3}')
    if awk -v x="$OTHER" -v q="$QUIET_CORES" 'BEGIN{exit !(x < q)}'; then
      return 0
    fi
    if [ "$waited" -ge "$MAX_WAIT" ]; then
      if [ "$MAX_WAIT" -gt 0 ]; then
        log "machine still busy (other processes: $OTHER cores) after ${MAX_WAIT}s; measuring anyway"
      fi
      return 0
    fi
    [ $(( waited % 30 )) = 0 ] && log "waiting for a quiet machine: other processes use $OTHER cores, load $(loadavg)"
    waited=$(( waited + 3 ))
  done
}

# ---------------------------------------------------------------- build
if [ "$SKIP_BUILD" = 0 ] || [ ! -f "$ROOT/target/quarkus-app/quarkus-run.jar" ]; then
  # With an AppCDS archive of the classes loaded at start, as a container image built with its
  # runtime JDK would ship it (bench/README.md, start to ready).
  log "building the app (./mvnw -B -DskipTests package -Dquarkus.package.jar.appcds.enabled=true)"
  (cd "$ROOT" && ./mvnw -B -ntp -q -DskipTests package -Dquarkus.package.jar.appcds.enabled=true) >"$WORK/build.log" 2>&1 ||
    { cat "$WORK/build.log" >&2; exit 1; }
fi

# ---------------------------------------------------------------- PostgreSQL
PG_PORT=$(free_port)
# The server trusts loopback connections; the password is a throwaway, generated per run.
DB=fanout DB_USER=fanout DB_PASSWORD="$(od -An -N8 -tx1 /dev/urandom | tr -d " \n")"
log "starting PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT"
mkdir -p "$PG_DATA" "$WORK/pglog"; [ "$(id -u)" = 0 ] && chown postgres "$PG_DATA" "$WORK/pglog"
as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U "$DB_USER" --auth=trust -E UTF8 >"$WORK/initdb.log" 2>&1
# Durability is not what is measured (the profile only reads): fsync off speeds up the seed.
as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -w -l "$WORK/pglog/postgres.log" \
  -o "-p $PG_PORT -k $PG_DATA -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=128MB -c fsync=off" \
  start >/dev/null
PSQL_CONN="host=127.0.0.1 port=$PG_PORT user=$DB_USER dbname=postgres"
psql "$PSQL_CONN" -q -c "CREATE DATABASE $DB"
PSQL_CONN="host=127.0.0.1 port=$PG_PORT user=$DB_USER dbname=$DB"

# ---------------------------------------------------------------- stub
STUB_PORT=$(free_port)
log "starting the upstream stand-in on 127.0.0.1:$STUB_PORT, ${STUB_LATENCY_MS} ms fixed latency"
java -Xms64m -Xmx64m -XX:+UseSerialGC -cp "$LIB/*" "$ROOT/src/main/java/dev/fanout/local/UpstreamStandIn.java" --port "$STUB_PORT" --latency-ms "$STUB_LATENCY_MS" \
  ${STUB_SET:+--set "$STUB_SET"} >"$WORK/stub.log" 2>&1 &
STUB_PID=$!
for _ in $(seq 1 300); do grep -q listening "$WORK/stub.log" && break; sleep 0.1; done
grep -q listening "$WORK/stub.log" || { cat "$WORK/stub.log" >&2; exit 1; }
STUB="http://127.0.0.1:$STUB_PORT"

# ---------------------------------------------------------------- the app
APP_PORT=$(free_port)
export QUARKUS_HTTP_PORT=$APP_PORT
export QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://127.0.0.1:$PG_PORT/$DB"
export QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/$DB"
export QUARKUS_DATASOURCE_USERNAME=$DB_USER QUARKUS_DATASOURCE_PASSWORD=$DB_PASSWORD
export FANOUT_PROFILE_BILLING_URL=$STUB/billing FANOUT_PROFILE_ORDERS_URL=$STUB/orders
export FANOUT_PROFILE_RECOMMENDATIONS_URL=$STUB/recommendations FANOUT_SYNC_DIRECTORY_URL=$STUB/directory
export FANOUT_DB_POOL_MAX_SIZE=$DB_POOL FANOUT_UPSTREAM_CONNECTION_POOL_SIZE=$UPSTREAM_POOL
# Traces: the default records none (sampler ratio 0, ids only); "exported" sets an endpoint, which
# raises the ratio to 1 (TraceExportConfigSourceFactory), and every span goes to a sink that keeps nothing.
case "$TRACING" in
  off) export QUARKUS_OTEL_SDK_DISABLED=true ;;
  exported)
    SINK_PORT=$(free_port)
    "$PY" "$BENCH/stub/otlp_sink.py" "$SINK_PORT" >"$WORK/otlp-sink.log" 2>&1 &
    SINK_PID=$!
    for _ in $(seq 1 100); do grep -q listening "$WORK/otlp-sink.log" && break; sleep 0.1; done
    grep -q listening "$WORK/otlp-sink.log" || { cat "$WORK/otlp-sink.log" >&2; exit 1; }
    export QUARKUS_OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/protobuf
    export QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="http://127.0.0.1:$SINK_PORT"
    ;;
esac
# APP_JAVA_OPTS adds JVM options (for exploring: NMT, GC logs); it is printed in the report.
read -r -a EXTRA_OPTS <<<"${APP_JAVA_OPTS:-}"
# SerialGC: what the JVM picks by itself on a Lambda-sized machine (< 2 vCPUs or < 1792 MB).
APP_OPTS=(-Xms"$HEAP" -Xmx"$HEAP" -Xmn"$YOUNG" -XX:SurvivorRatio=3 -XX:+UseSerialGC "${EXTRA_OPTS[@]}")

# The native executable's Serial GC takes the same heap and young generation (it has no SurvivorRatio).
# APP_NATIVE_OPTS adds its options (for exploring: -XX:+PrintGCSummary); it is printed in the report.
read -r -a EXTRA_NATIVE_OPTS <<<"${APP_NATIVE_OPTS:-}"
NATIVE_OPTS=(-Xms"$HEAP" -Xmx"$HEAP" -Xmn"$YOUNG" "${EXTRA_NATIVE_OPTS[@]}")
if [[ " $STACKS " == *" native "* ]]; then
  mkdir -p "$WORK/native" && unzip -q "$NATIVE_ZIP" -d "$WORK/native"
fi

new_app_port() { APP_PORT=$(free_port); export QUARKUS_HTTP_PORT=$APP_PORT; }

# Polls /q/health/ready until a 200, from $2 (the start, in ns); sets READY_MS.
await_ready() {
  local name="$1" t0="$2"
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$APP_PORT/q/health/ready")" = 200 ]; do
    if ! kill -0 "$APP_PID" 2>/dev/null; then
      local code=0; wait "$APP_PID" || code=$?
      cat "$WORK/$name.log" >&2; echo "$name exited with code $code before it was ready" >&2; exit 1
    fi
    [ $(( ($(date +%s%N) - t0) / 1000000000 )) -lt 120 ] || { echo "$name was not ready in 120 s" >&2; exit 1; }
    sleep 0.01
  done
  READY_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
}

start_app() { # $1 = log name; extra JVM options follow. Sets APP_PID, APP_PIDS and READY_MS.
  local name="$1"; shift
  local t0
  new_app_port
  t0=$(date +%s%N)
  # Two malloc arenas instead of glibc's 8 per core: the JVM's native allocations stay small (RSS).
  # From the app's directory: the AppCDS archive names quarkus-run.jar by that relative path.
  local cds=()
  [ -f "$ROOT/target/quarkus-app/app-cds.jsa" ] && cds=(-XX:SharedArchiveFile=app-cds.jsa)
  (cd "$ROOT/target/quarkus-app" &&
    MALLOC_ARENA_MAX=2 exec java "${APP_OPTS[@]}" "${cds[@]}" "$@" -jar quarkus-run.jar) >"$WORK/$name.log" 2>&1 &
  APP_PID=$! APP_PIDS=$!
  await_ready "$name" "$t0"
}

# The native executable of the same commit (native/build.sh --native), with the app's environment.
start_native() { # $1 = log name. Sets APP_PID, APP_PIDS and READY_MS.
  local name="$1" t0
  new_app_port
  t0=$(date +%s%N)
  (cd "$WORK/native" && MALLOC_ARENA_MAX=2 exec ./fanout "${NATIVE_OPTS[@]}") >"$WORK/$name.log" 2>&1 &
  APP_PID=$! APP_PIDS=$!
  await_ready "$name" "$t0"
}

# The asyncio peer, in the same environment as the app: it reads the app's own
# application.properties and the same variables. uvicorn's supervisor and PEER_WORKERS worker
# processes: ready when every worker has opened its pools; measured as all of them together.
start_peer() { # $1 = log name. Sets APP_PID, APP_PIDS and READY_MS.
  local name="$1" t0
  new_app_port
  t0=$(date +%s%N)
  (cd "$PEER" && PEER_WORKERS=$PEER_WORKERS PYTHONDONTWRITEBYTECODE=1 exec "$PY" app.py) >"$WORK/$name.log" 2>&1 &
  APP_PID=$! APP_PIDS=$!
  await_ready "$name" "$t0"
  while [ "$(grep -c 'peer worker .* started' "$WORK/$name.log")" -lt "$PEER_WORKERS" ]; do
    [ $(( ($(date +%s%N) - t0) / 1000000000 )) -lt 120 ] || { cat "$WORK/$name.log" >&2; echo "$name: not every worker started" >&2; exit 1; }
    sleep 0.01
  done
  READY_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
  APP_PIDS="$APP_PID $(descendants "$APP_PID" | tr '\n' ' ')"
}

start_stack() { # $1 = fanout | native | asyncio, $2 = log name
  case "$1" in
    fanout) start_app "$2" ;;
    native) start_native "$2" ;;
    asyncio) start_peer "$2" ;;
  esac
}
stop_app() {
  kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true
  local pid; for pid in $APP_PIDS; do kill "$pid" 2>/dev/null || true; done
  APP_PID="" APP_PIDS=""
}

# A deploy migrates once, in a launch of its own; serving instances do not migrate at start.
log "migrating the schema (the deploy's migrate step) and seeding $USERS users"
QUARKUS_FLYWAY_MIGRATE_AT_START=true start_app migrate
stop_app
"$BENCH/seed" "$PSQL_CONN" "$USERS" >&2

# ---------------------------------------------------------------- wrk + progress
# Runs wrk for $2 s at $1 connections with a progress line; raw output to $3.
run_wrk() {
  local c="$1" secs="$2" out="$3" url="$4"; shift 4
  local threads=2; [ "$c" -lt 2 ] && threads=1
  wrk -t"$threads" -c"$c" -d"${secs}s" --timeout 10s "$@" "$url" >"$out" 2>&1 &
  local wrk_pid=$! i=0
  while kill -0 "$wrk_pid" 2>/dev/null; do
    sleep 1; i=$(( i + 1 ))
    if [ $(( i % 5 )) = 0 ] && [ -n "$APP_PIDS" ]; then
      printf '%s   ... %d connections: %d/%d s, app RSS %d MB, load %s\n' "$(date +%H:%M:%S)" "$c" "$i" "$secs" \
        $(( $(kb_sum VmRSS $APP_PIDS) / 1024 )) "$(loadavg)" >&2
    fi
  done
  wait "$wrk_pid" || { cat "$out" >&2; exit 1; }
}
field() { sed -n 's/.*RESULT.* '"$1"'=\([^ ]*\).*/\1/p' "$2" | tail -1; }
wrk_field() { # from wrk's own summary (stub check): Latency line, percentiles
  case "$1" in
    rps) awk '/^Requests\/sec/{print $2}' "$2" ;;
    p50|p99) awk -v p="${1#p}%" '$1 == p {print $2}' "$2" ;;
    errors) awk '/Socket errors/{n=0; for(i=1;i<=NF;i++) if ($i ~ /^[0-9]+,?$/) n+=$i; print n; f=1} END{if(!f) print 0}' "$2" ;;
  esac
}

# ---------------------------------------------------------------- the stub alone
log "machine quiet? (before the stub check)"
wait_quiet
log "the stub alone, /billing/accounts/1 ($STUB_CHECK s per connection count; other processes $OTHER cores, load $(loadavg))"
run_wrk 64 2 "$RAW/stub-warmup.txt" "$STUB/billing/accounts/1" --latency
STUB_ROWS=""
for c in $CONNECTIONS; do
  run_wrk "$c" "$STUB_CHECK" "$RAW/stub-$c.txt" "$STUB/billing/accounts/1" --latency
  STUB_ROWS+="| $c | $(wrk_field rps "$RAW/stub-$c.txt") | $(wrk_field p50 "$RAW/stub-$c.txt") | $(wrk_field p99 "$RAW/stub-$c.txt") | $(wrk_field errors "$RAW/stub-$c.txt") |"$'\n'
  log "  stub at $c connections: $(wrk_field rps "$RAW/stub-$c.txt") req/s, p50 $(wrk_field p50 "$RAW/stub-$c.txt"), p99 $(wrk_field p99 "$RAW/stub-$c.txt")"
done

# ---------------------------------------------------------------- the sequential baseline
log "sequential baseline: user row, then billing, then orders, then recommendations; 64 callers, ${BASELINE_SECONDS} s"
wait_quiet
java -Xmx128m -cp "$LIB/*" "$BENCH/stub/SequentialBaseline.java" "$PG_PORT" "$DB" "$DB_USER" "$DB_PASSWORD" \
  "$STUB_PORT" 64 "$BASELINE_SECONDS" "$USERS" >"$RAW/sequential-baseline.txt" 2>&1
BASE_P50=$(field p50_us "$RAW/sequential-baseline.txt"); BASE_P99=$(field p99_us "$RAW/sequential-baseline.txt")
log "  sequential: p50 $(( BASE_P50 / 1000 )).$(( BASE_P50 % 1000 / 100 )) ms, p99 $(( BASE_P99 / 1000 )) ms"

# ---------------------------------------------------------------- the stacks, measured
metric_sum() { # sum of a profile-route metric series in /q/metrics (Fanout only; the peer has no metrics)
  curl -s "http://127.0.0.1:$APP_PORT/q/metrics" |
    awk -v m="$1" 'index($0, m"{") == 1 && index($0, "uri=\"/users/{id}/profile\"") {
      # The value follows the labels; an exemplar and a timestamp may follow it (so not $NF).
      split(substr($0, index($0, "\"} ") + 3), v, " "); s += v[1]
    } END {printf "%.6f\n", s}'
}
ms() { awk -v u="$1" 'BEGIN{printf "%.1f", u / 1000}'; }
stub_stats() { curl -s "$STUB/_control/stats"; }
hedge_lines() { # fanout_upstream_hedges_total, one "upstream outcome count" line per series (Fanout only)
  curl -s "http://127.0.0.1:$APP_PORT/q/metrics" |
    sed -n 's/^fanout_upstream_hedges_total{\(.*\)} \([0-9.eE+]*\).*/\1 \2/p' |
    sed -E 's/.*outcome="([^"]*)".*upstream="([^"]*)".* ([0-9.eE+]+)$/\2 \1 \3/; s/.*upstream="([^"]*)".*outcome="([^"]*)".* ([0-9.eE+]+)$/\1 \2 \3/'
}
hedge_delta() { # $1 lines before, $2 lines after: "orders won 12, lost 3; ..." for the series that moved
  awk 'NR == FNR {b[$1" "$2] = $3; next} {d = $3 - b[$1" "$2]; if (d > 0) {k = $1; s[k] = s[k] (s[k] ? ", " : "") $2 " " d; if (!(k in seen)) {seen[k]; o[++n] = k}}}
    END {for (i = 1; i <= n; i++) printf "%s%s %s", (i > 1 ? "; " : ""), o[i], s[o[i]]; if (!n) printf "none"; print ""}' <(echo "$1") <(echo "$2")
}
# Requests each upstream saw per profile answered, and the requests its callers gave up on (reset),
# between two of the stub's /_control/stats: hedges and retries show up here as more than 1.00.
upstream_row() { # $1 stats before, $2 stats after, $3 profiles answered
  "$PY" -c 'import json, sys
before, after, profiles = json.loads(sys.argv[1])["byUpstream"], json.loads(sys.argv[2])["byUpstream"], int(sys.argv[3])
delta = lambda u, k: after[u][k] - before[u][k]
cells = ["%.4f" % (delta(u, "requests") / max(profiles, 1)) for u in ("billing", "orders", "recommendations")]
print("\t".join(cells + [str(sum(delta(u, "aborted") for u in ("billing", "orders", "recommendations")))]))' "$1" "$2" "$3"
}
cores() { awk -v j="$1" -v hz="$CLK_TCK" -v d="$DURATION" 'BEGIN{printf "%.2f", j / hz / d}'; }

# One row: $1 stack, $2 run, $3 connections. Appends a tab-separated line to $ROWS_TSV:
# stack run connections rps p50_ms p99_ms max_ms socket_errors non2xx degraded cpu_us rss_mb
# client_ms server_ms wait_ms stub_us app/stub/pg/wrk-cores load other statuses ready_ms
measure_row() {
  local stack="$1" run="$2" c="$3" f="$RAW/$1-run$2-c$3.txt"
  local load a0 a1 s0 s1 p0 p1 b0 b1 w0 w1 m_sum0 m_sum1 m_cnt0 m_cnt1 req cpu_us stub_us other
  local server_ms=- client_ms wait_ms=- rss jfr="" st0 st1 upstream h0="" h1="" hedges=-
  wait_quiet
  # The quiet wait leaves the app idle; the first seconds of load after an idle spell recompile
  # what the JIT had specialised (see bench/README.md, "Warm-up and the JIT"), so they are not measured.
  run_wrk "$c" "$REWARM" "$RAW/$stack-run$run-c$c-rewarm.txt" "http://127.0.0.1:$APP_PORT" -s "$BENCH/profile.lua"
  load=$(loadavg)
  if [ "$stack" = fanout ] && [ "$run" = 1 ] && [ "$c" = "$JFR_AT" ]; then
    jfr=1; jcmd "$APP_PID" JFR.start name=bench settings=profile filename="$JFR_FILE" >/dev/null
  fi
  times >"$WORK/times"  # in this shell, not a subshell: a subshell's `times` does not see this shell's children
  a0=$(jiffies_of $APP_PIDS); s0=$(jiffies_of "$STUB_PID"); p0=$(jiffies_of $(pg_pids)); b0=$(machine_busy); w0=$(children_jiffies)
  st0=$(stub_stats)
  if [ "$stack" != asyncio ]; then
    m_sum0=$(metric_sum http_server_requests_seconds_sum); m_cnt0=$(metric_sum http_server_requests_seconds_count)
    h0=$(hedge_lines)
  fi
  log "$stack run $run/$REPEATS: measuring $c connections for $DURATION s (load $load)"
  run_wrk "$c" "$DURATION" "$f" "http://127.0.0.1:$APP_PORT" -s "$BENCH/profile.lua"
  times >"$WORK/times"
  a1=$(jiffies_of $APP_PIDS); s1=$(jiffies_of "$STUB_PID"); p1=$(jiffies_of $(pg_pids)); b1=$(machine_busy); w1=$(children_jiffies)
  st1=$(stub_stats)
  client_ms=$(ms "$(field mean_us "$f")")
  if [ "$stack" != asyncio ]; then
    m_sum1=$(metric_sum http_server_requests_seconds_sum); m_cnt1=$(metric_sum http_server_requests_seconds_count)
    h1=$(hedge_lines); hedges=$(hedge_delta "$h0" "$h1")
    server_ms=$(awk -v s=$m_sum1 -v s0=$m_sum0 -v n=$m_cnt1 -v n0=$m_cnt0 'BEGIN{printf "%.1f", (n > n0) ? (s - s0) / (n - n0) * 1000 : 0}')
    wait_ms=$(awk -v c="$client_ms" -v s="$server_ms" 'BEGIN{printf "%.1f", c - s}')
  fi
  [ -n "$jfr" ] && jcmd "$APP_PID" JFR.stop name=bench >/dev/null
  req=$(field requests "$f")
  cpu_us=$(awk -v j=$((a1 - a0)) -v hz="$CLK_TCK" -v n="$req" 'BEGIN{printf "%.0f", j / hz * 1e6 / n}')
  stub_us=$(awk -v j=$((s1 - s0)) -v hz="$CLK_TCK" -v n="$req" 'BEGIN{printf "%.0f", j / hz * 1e6 / (3 * n)}')
  other=$(cores $(( (b1 - b0) - (a1 - a0) - (s1 - s0) - (p1 - p0) - (w1 - w0) )))
  rss=$(( $(kb_sum VmHWM $APP_PIDS) / 1024 ))
  upstream=$(upstream_row "$st0" "$st1" "$req")
  printf '%s\t%s\t%s\t%s\t%s\n' "$stack" "$run" "$c" "$upstream" "$hedges" >>"$UPSTREAM_TSV"
  printf '%s\n' "$stack	$run	$c	$(field rps "$f")	$(ms "$(field p50_us "$f")")	$(ms "$(field p99_us "$f")")	$(ms "$(field max_us "$f")")	$(field socket_errors "$f")	$(field non2xx "$f")	$(field degraded "$f")	$cpu_us	$rss	$client_ms	$server_ms	$wait_ms	$stub_us	$(cores $((a1 - a0))) / $(cores $((s1 - s0))) / $(cores $((p1 - p0))) / $(cores $((w1 - w0)))	$load	$other	$(field statuses "$f")	$READY_MS" >>"$ROWS_TSV"
  log "  $stack $c connections: $(field rps "$f") req/s, p50 $(ms "$(field p50_us "$f")") ms, p99 $(ms "$(field p99_us "$f")") ms, max $(ms "$(field max_us "$f")") ms, errors $(field socket_errors "$f"), non-2xx $(field non2xx "$f") ($(field statuses "$f")), degraded $(field degraded "$f"), app CPU $cpu_us µs/req, peak RSS $rss MB, upstream requests per profile $(echo "$upstream" | cut -f1-3 | tr '\t' /)"
}

# The app's log: what it warned about under load (a count per level, the WARN/ERROR messages with
# their numbers masked, the first and last lines). Fanout logs JSON in prod; the peer plain lines.
log_summary() { # $1 = log file
  { echo "lines: $(wc -l <"$1"), WARN: $(grep -cE '"level":"WARN"| WARNING ' "$1" || true), ERROR: $(grep -cE '"level":"ERROR"| ERROR ' "$1" || true)"
    { grep -E '"level":"(WARN|ERROR)"' "$1" | grep -o '"message":"[^"]*' || true
      grep -E ' (WARNING|ERROR) ' "$1" | sed -E 's/^[0-9-]+ [0-9:,]+ //' || true; } |
      sed -E 's/[0-9]+/N/g' | cut -c1-200 | sort | uniq -c | sort -rn | head -20
    echo "--- first 40 lines"; head -40 "$1"; echo "--- last 40 lines"; tail -40 "$1"
  } 2>&1 || true
}

JFR_FILE="$BENCH/results/$STAMP-c$JFR_AT.jfr"
ROWS_TSV="$RAW/rows.tsv"
UPSTREAM_TSV="$RAW/upstream.tsv"  # stack run connections billing orders recommendations (requests per profile) reset hedges
: >"$ROWS_TSV"; : >"$UPSTREAM_TSV"
# Every repetition starts each stack afresh (JIT decisions and warm-up differ from one start to the
# next) and the stacks alternate, so that a drift of the machine touches both alike.
for run in $(seq 1 "$REPEATS"); do
  for stack in $STACKS; do
    name="$stack-run$run"
    case "$stack" in
      fanout) log "$name: starting the app (prod mode, JVM, ${APP_OPTS[*]}, DB pool $DB_POOL, upstream pool $UPSTREAM_POOL)" ;;
      native) log "$name: starting the native executable (${NATIVE_OPTS[*]}, DB pool $DB_POOL, upstream pool $UPSTREAM_POOL)" ;;
      asyncio) log "$name: starting the asyncio peer ($PEER_WORKERS uvicorn workers sharing DB pool $DB_POOL, each with upstream pool $UPSTREAM_POOL)" ;;
    esac
    wait_quiet
    start_stack "$stack" "$name"
    log "  ready in $READY_MS ms (exec to first 200 on /q/health/ready; other processes $OTHER cores)"
    curl -sf "http://127.0.0.1:$APP_PORT/users/1/profile" >"$RAW/$stack-sample-profile.json" ||
      { cat "$WORK/$name.log" >&2; exit 1; }
    log "  warm-up: $WARMUP s at 256 connections (not measured)"
    run_wrk 256 "$WARMUP" "$RAW/$name-warmup.txt" "http://127.0.0.1:$APP_PORT" -s "$BENCH/profile.lua"
    for c in $CONNECTIONS; do
      measure_row "$stack" "$run" "$c"
    done
    if [ "$stack" = fanout ] && [[ " ${APP_OPTS[*]} " == *NativeMemoryTracking* ]]; then
      jcmd "$APP_PID" VM.native_memory summary >"$RAW/$name-native-memory.txt" 2>&1 || true
    fi
    stop_app
    log_summary "$WORK/$name.log" >"$RAW/$name-log-summary.txt"
  done
done

# ---------------------------------------------------------------- report
# "median (min–max)" of one column over the runs of one stack at one connection count.
spread() { # $1 = column (1-based in rows.tsv), $2 = stack, $3 = connections
  awk -F'\t' -v k="$1" -v s="$2" -v c="$3" '$1 == s && $3 == c {print $k}' "$ROWS_TSV" | sort -g |
    awk '{v[NR] = $1} END {
      if (NR == 0) { print "–"; exit }
      m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      f = (v[NR] >= 100) ? "%.0f" : "%.1f"
      if (NR == 1) printf f "\n", m; else printf f " (" f "–" f ")\n", m, v[1], v[NR] }'
}
median() { spread "$@" | awk '{print $1}'; }
per_run() { awk -F'\t' -v k="$1" -v s="$2" -v c="$3" '$1 == s && $3 == c {printf "%s%s", n++ ? " / " : "", $k} END {print ""}' "$ROWS_TSV"; }
peak() { awk -F'\t' -v k="$1" -v s="$2" -v c="$3" '$1 == s && $3 == c && $k > m {m = $k} END {print m + 0}' "$ROWS_TSV"; }
stack_name() { case "$1" in fanout) echo "Fanout" ;; native) echo "Fanout native" ;; asyncio) echo "asyncio peer" ;; esac; }

MACHINE="$(nproc) cores ($(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
PEER_VERSIONS="$("$PY" -c 'import sys, fastapi, uvicorn, uvloop, httptools, httpx, asyncpg
print("Python %s, FastAPI %s, uvicorn %s, uvloop %s, httptools %s, httpx %s, asyncpg %s" % (sys.version.split()[0],
      fastapi.__version__, uvicorn.__version__, uvloop.__version__, httptools.__version__, httpx.__version__, asyncpg.__version__))' 2>/dev/null || echo "not installed")"
CHART="$WORK/chart.png"
REPORT="$WORK/report.md"
{
  echo "# Profile benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')$([ "$SMOKE" = 1 ] && echo ': SMOKE RUN, not a measurement')"
  echo
  echo "- machine: $MACHINE; $(java -version 2>&1 | head -1); PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}'); $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
  echo "- commit: $(cd "$ROOT" && git rev-parse --short HEAD)$(cd "$ROOT" && git diff --quiet HEAD -- src pom.xml bench/peers || echo ' (+ uncommitted changes)')"
  [[ " $STACKS " == *" fanout "* ]] &&
    echo "- Fanout: prod mode, JVM, \`${APP_OPTS[*]}\`, FANOUT_DB_POOL_MAX_SIZE=$DB_POOL, FANOUT_UPSTREAM_CONNECTION_POOL_SIZE=$UPSTREAM_POOL"
  [[ " $STACKS " == *" native "* ]] &&
    echo "- Fanout native: the executable of $(basename "$NATIVE_ZIP") ($(cat "$WORK/native/VERIFICATION-BUILD.txt" 2>/dev/null || echo "release build")), \`${NATIVE_OPTS[*]}\`, the same pools"
  [[ " $STACKS " == *" asyncio "* ]] &&
    echo "- asyncio peer (bench/peers/asyncio): $PEER_VERSIONS; $PEER_WORKERS uvicorn workers sharing DB pool $DB_POOL and its wait line, each with $UPSTREAM_POOL calls per upstream; the same timeouts (Fanout's application.properties)"
  echo "- tracing: $TRACING ($(case "$TRACING" in off) echo "QUARKUS_OTEL_SDK_DISABLED=true" ;; unsampled) echo "the default: trace ids and traceparent, no span recorded" ;; exported) echo "every span recorded and sent over OTLP/HTTP to bench/stub/otlp_sink.py, which read $(curl -s "http://127.0.0.1:$SINK_PORT/stats") over the whole run" ;; esac))"
  echo "- the same PostgreSQL ($USERS users), stub (latency $STUB_LATENCY_MS ms) and load: wrk, 2 threads, ${DURATION} s per row after ${WARMUP} s of warm-up at 256 connections and ${REWARM} s at the row's own right before it, random ids 1..$USERS, --timeout 10s"
  echo "- each stack started afresh $REPEATS time(s), the stacks alternating ($STACKS); a cell is the median over the runs, (min–max) when there are several"
  echo
  echo "| stack | connections | req/s | p50 ms | p99 ms | non-2xx per run | app CPU µs/profile | peak RSS MB | start to ready ms |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
  for stack in $STACKS; do
    for c in $CONNECTIONS; do
      echo "| $(stack_name "$stack") | $c | $(spread 4 "$stack" "$c") | $(spread 5 "$stack" "$c") | $(spread 6 "$stack" "$c") | $(per_run 9 "$stack" "$c") | $(spread 11 "$stack" "$c") | $(peak 12 "$stack" "$c") | $(spread 21 "$stack" "$c") |"
    done
  done
  if [[ " $STACKS " == *" fanout "* && " $STACKS " == *" asyncio "* ]]; then
    echo
    echo "Fanout against the peer (medians): req/s ratio above 1 and CPU ratio below 1 favour Fanout."
    echo
    echo "| connections | req/s: Fanout ÷ peer | app CPU per profile: Fanout ÷ peer |"
    echo "| --- | --- | --- |"
    for c in $CONNECTIONS; do
      echo "| $c | $(awk -v a="$(median 4 fanout "$c")" -v b="$(median 4 asyncio "$c")" 'BEGIN{printf (b > 0 ? "%.2f" : "–"), a / (b > 0 ? b : 1)}') | $(awk -v a="$(median 11 fanout "$c")" -v b="$(median 11 asyncio "$c")" 'BEGIN{printf (b > 0 ? "%.2f" : "–"), a / (b > 0 ? b : 1)}') |"
    done
  fi
  echo
  echo "![req/s and p99 per connection count](chart.png)"
  echo
  echo "Every run (peak RSS of the peer: its processes summed; the peer has no metrics, so no server-side mean):"
  echo
  echo "| stack | run | connections | req/s | p50 ms | p99 ms | max ms | socket errors | non-2xx | degraded | app CPU µs/req | peak RSS MB | mean ms: client / server / wait before server | stub CPU µs/call | cores: app / stub / pg / wrk | load avg / other cores | non-2xx by status |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
  awk -F'\t' '{printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s / %s | %s | %s | %s / %s | %s |\n",
    $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20}' "$ROWS_TSV"
  echo
  echo "Requests each upstream received per profile answered (the stub's count over the row ÷ wrk's requests; above 1.00: hedges, retries, or calls of profiles still in flight at the row's end), the requests their callers reset, and Fanout's \`fanout.upstream.hedges\` over the row by outcome:"
  echo
  echo "| stack | run | connections | billing | orders | recommendations | reset | hedges |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
  awk -F'\t' '{printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8}' "$UPSTREAM_TSV"
  echo
  echo "References, same machine, stub and database:"
  echo
  echo "- **floor**: the stub's latency, $STUB_LATENCY_MS ms (all four parts at once can be no faster than the slowest)."
  echo "- **sequential baseline**: the user's row, then billing, then orders, then recommendations, one after another by a Vert.x client with no app in between (bench/stub/SequentialBaseline.java), 64 callers: p50 $(awk -v u="$BASE_P50" 'BEGIN{printf "%.1f", u/1000}') ms, p99 $(awk -v u="$BASE_P99" 'BEGIN{printf "%.1f", u/1000}') ms, $(field rps "$RAW/sequential-baseline.txt") req/s."
  echo
  echo "The stub alone (wrk on /billing/accounts/1): each profile needs 3 stub calls."
  echo
  echo "| connections | req/s | p50 | p99 | socket errors |"
  echo "| --- | --- | --- | --- | --- |"
  printf '%s' "$STUB_ROWS"
} >"$REPORT"
"$PY" "$BENCH/chart.py" "$ROWS_TSV" "$CHART" \
  "$([ "$SMOKE" = 1 ] && echo 'SMOKE RUN, not a measurement: ')$STUB_LATENCY_MS ms stub, $DURATION s per row, $REPEATS run(s); $MACHINE" ||
  log "no chart (see above); the table is complete without it"

if [ "$SMOKE" = 1 ]; then
  KEPT="/tmp/fanout-bench-smoke-$STAMP"
  mkdir -p "$KEPT"; cp "$REPORT" "$KEPT/report.md"; cp "$RAW"/* "$KEPT/"; [ -f "$CHART" ] && cp "$CHART" "$KEPT/chart.png"
  cat "$REPORT"
  log "smoke run done (nothing asserted about speed; not kept in bench/results): $KEPT"
else
  mkdir -p "$BENCH/results/$STAMP"
  sed "s|](chart.png)|]($STAMP.png)|" "$REPORT" >"$BENCH/results/$STAMP.md"
  cp "$RAW"/* "$BENCH/results/$STAMP/"
  [ -f "$CHART" ] && cp "$CHART" "$BENCH/results/$STAMP.png"
  cat "$REPORT"
  log "results: bench/results/$STAMP.md, chart bench/results/$STAMP.png, raw output in bench/results/$STAMP/"
fi
