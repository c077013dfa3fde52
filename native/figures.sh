#!/usr/bin/env bash
# The native executable's figures for the README, in one command:
#   build time and the builder's peak memory (with --build), the executable's and the zip's
#   size, start to ready, the first profile, peak RSS at rest and under 64 connections.
#
#   native/figures.sh                 # measures target/*-runner as it is
#   native/figures.sh --build         # builds it first (native/build.sh --native), timing the build
#   native/figures.sh --duration 30   # seconds of load at 64 connections (default 20)
#
# Starts its own PostgreSQL (Debian's) and the upstream stand-in (dev.fanout.local.UpstreamStandIn, 20 ms),
# the app in prod mode on loopback, and wrk; everything is torn down at the end. Only loopback
# targets, bounded in time. The figures are only as good as the machine is quiet: the script
# prints the load average beside them. Output: a markdown table on stdout, the raw logs under
# target/native-figures/.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

BUILD=0
DURATION=20
CONNECTIONS=64
USERS=1000
STUB_LATENCY_MS=20
while [ $# -gt 0 ]; do
  case "$1" in
    --build) BUILD=1 ;;
    --duration) DURATION="$2"; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "native/figures.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

OUT="$ROOT/target/native-figures"
mkdir -p "$OUT"
WORK="$(mktemp -d /tmp/fanout-native-figures.XXXXXX)"
chmod 755 "$WORK"
APP_PID="" STUB_PID="" PG_BIN="" PG_DATA="$WORK/pg"
log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
cleanup() {
  set +e
  [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null && wait "$APP_PID" 2>/dev/null
  [ -n "$STUB_PID" ] && kill "$STUB_PID" 2>/dev/null && wait "$STUB_PID" 2>/dev/null
  [ -n "$PG_BIN" ] && [ -f "$PG_DATA/postmaster.pid" ] && runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

need() { command -v "$1" >/dev/null 2>&1 || { log "installing $2 (apt)"; apt-get install -y -q "$2" >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q "$2" >/dev/null; }; }; }
need wrk wrk
need curl curl
need zip zip
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
[ -n "$PG_BIN" ] || { need psql postgresql; PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"; }
command -v psql >/dev/null || need psql postgresql-client
free_port() { local p; while :; do p=$(( 20000 + RANDOM % 30000 )); (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }; done; }
kb() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status"; }

BUILD_ROW=""
if [ "$BUILD" = 1 ]; then
  log "building: native/build.sh --native (under /usr/bin/time -v; log in $OUT/build.log)"
  need /usr/bin/time time
  /usr/bin/time -v -o "$OUT/build.time" native/build.sh --native -- -DskipTests >"$OUT/build.log" 2>&1 ||
    { tail -40 "$OUT/build.log" >&2; exit 1; }
  wall="$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$OUT/build.time")"
  max_kb="$(awk -F': ' '/Maximum resident set size/ {print $2}' "$OUT/build.time")"
  # The builder's own summary line: "... | Peak RSS: 7.61GB | CPU load: ..."
  builder_peak="$(grep -o 'Peak RSS: [0-9.]*GB' "$OUT/build.log" | tail -1 | cut -d' ' -f3)"
  BUILD_ROW="| build (native/build.sh --native, all of it) | ${wall} wall; peak RSS of the largest process $((max_kb / 1024)) MB; the builder's own report: ${builder_peak:-?} |"
fi

RUNNER="$(ls target/*-runner 2>/dev/null | head -1 || true)"
[ -x "$RUNNER" ] || { echo "native/figures.sh: no target/*-runner; run with --build or native/build.sh --native first" >&2; exit 1; }
exe_bytes=$(stat -c %s "$RUNNER")
if [ -f target/function.zip ] && unzip -l target/function.zip | grep -q ' fanout$'; then
  zip_bytes=$(stat -c %s target/function.zip)
else
  # As native/build.sh zips it: the executable and its bootstrap script (under 1 KB).
  mkdir -p "$WORK/zip" && cp "$RUNNER" "$WORK/zip/fanout" && printf '#!/bin/sh\nexec "$(dirname "$0")/fanout" "$@"\n' >"$WORK/zip/bootstrap" &&
    (cd "$WORK/zip" && zip -q -X ../function.zip bootstrap fanout)
  zip_bytes=$(stat -c %s "$WORK/function.zip")
fi

PG_PORT=$(free_port)
log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
mkdir -p "$PG_DATA" && chown postgres "$PG_DATA"
runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DATA" -U fanout --auth=trust -E UTF8 >"$OUT/initdb.log" 2>&1
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DATA" -w -l "$PG_DATA/postgres.log" \
  -o "-p $PG_PORT -k $PG_DATA -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
psql "host=127.0.0.1 port=$PG_PORT user=fanout dbname=postgres" -q -c "CREATE DATABASE fanout"

# The stub runs on the app's own Vert.x, from the Maven class path (the native image's lib/ holds
# jars that Quarkus trimmed for native).
./mvnw -B -q -o dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$WORK/classpath" >"$OUT/classpath.log" 2>&1 ||
  ./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$WORK/classpath" >"$OUT/classpath.log" 2>&1
STUB_PORT=$(free_port)
log "starting the upstream stand-in (src/main/java/dev/fanout/local/UpstreamStandIn.java, ${STUB_LATENCY_MS} ms) on 127.0.0.1:$STUB_PORT"
java -Xmx64m -XX:+UseSerialGC -cp "$(cat "$WORK/classpath")" src/main/java/dev/fanout/local/UpstreamStandIn.java --port "$STUB_PORT" --latency-ms "$STUB_LATENCY_MS" >"$OUT/stub.log" 2>&1 &
STUB_PID=$!
for _ in $(seq 1 300); do grep -q listening "$OUT/stub.log" && break; sleep 0.1; done
grep -q listening "$OUT/stub.log" || { cat "$OUT/stub.log" >&2; exit 1; }
STUB="http://127.0.0.1:$STUB_PORT"

APP_PORT=$(free_port)
# trust auth on loopback ignores it; a fresh value per run, never a literal in the repository
PG_PASSWORD=$(od -An -N8 -tx8 /dev/urandom | tr -d " ")
BASE="http://127.0.0.1:$APP_PORT"
log "starting $RUNNER (prod mode, migrating at start) on $BASE"
t0=$(date +%s%N)
env QUARKUS_HTTP_PORT="$APP_PORT" \
  QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://127.0.0.1:$PG_PORT/fanout" \
  QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/fanout" \
  QUARKUS_DATASOURCE_USERNAME=fanout QUARKUS_DATASOURCE_PASSWORD="$PG_PASSWORD" QUARKUS_FLYWAY_MIGRATE_AT_START=true \
  FANOUT_PROFILE_BILLING_URL="$STUB/billing" FANOUT_PROFILE_ORDERS_URL="$STUB/orders" \
  FANOUT_PROFILE_RECOMMENDATIONS_URL="$STUB/recommendations" FANOUT_SYNC_DIRECTORY_URL="$STUB/directory" \
  "$RUNNER" -Xmx256m >"$OUT/app.log" 2>&1 &
APP_PID=$!
until curl -fs -o /dev/null "$BASE/q/health/ready"; do
  kill -0 "$APP_PID" 2>/dev/null || { tail -40 "$OUT/app.log" >&2; exit 1; }
  sleep 0.01
done
ready_ms=$(( ($(date +%s%N) - t0) / 1000000 ))

id="$(curl -fs -X POST "$BASE/users" -H 'Content-Type: application/json' \
  -d '{"email":"figures@example.com","displayName":"Figures","plan":"pro"}' | sed 's/.*"id":\([0-9]*\).*/\1/')"
first="$(curl -s -o "$OUT/first-profile.json" -w '%{http_code} %{time_total}' "$BASE/users/$id/profile")"
first_ms="$(awk '{printf "%.0f", $2 * 1000}' <<<"$first")"
first_status="${first%% *}"
log "seeding $USERS users"
psql "host=127.0.0.1 port=$PG_PORT user=fanout dbname=fanout" -q -c \
  "INSERT INTO users (email, display_name, plan, created_at, updated_at) SELECT 'u' || g || '@example.com', 'User ' || g, 'free', now(), now() FROM generate_series(2, $USERS) g" \
  >"$OUT/seed.log" 2>&1 || log "seeding by SQL failed (see $OUT/seed.log); the load uses user $id only"
sleep 5
rest_kb=$(kb "$APP_PID" VmRSS)

log "wrk: $CONNECTIONS connections, ${DURATION} s on GET /users/{1..$USERS}/profile"
BENCH_USERS=$USERS wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/profile.lua "$BASE" >"$OUT/wrk-$CONNECTIONS.txt" 2>&1
load_hwm_kb=$(kb "$APP_PID" VmHWM)
rps="$(awk '/Requests\/sec/ {print $2}' "$OUT/wrk-$CONNECTIONS.txt")"
p50="$(awk '$1 == "50%" {print $2}' "$OUT/wrk-$CONNECTIONS.txt")"

kill -TERM "$APP_PID"
stop_status=0
wait "$APP_PID" || stop_status=$?
APP_PID=""

cat <<TABLE
Native executable figures ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); a busy machine inflates the times)

| figure | value |
| --- | --- |${BUILD_ROW:+
$BUILD_ROW}
| executable ($RUNNER) | $((exe_bytes / 1024 / 1024)) MiB ($exe_bytes bytes) |
| zip (bootstrap + fanout) | $((zip_bytes / 1024 / 1024)) MiB ($zip_bytes bytes) |
| start to ready (spawn to first 200 on /q/health/ready, migrating an empty database) | $ready_ms ms |
| first profile (first GET /users/{id}/profile after ready, stub at ${STUB_LATENCY_MS} ms) | $first_ms ms (HTTP $first_status) |
| RSS at rest (5 s after the first profile, -Xmx256m) | $((rest_kb / 1024)) MB |
| peak RSS under $CONNECTIONS connections (${DURATION} s of wrk on the profile) | $((load_hwm_kb / 1024)) MB ($rps req/s, p50 $p50) |
| exit status on SIGTERM | $stop_status |
TABLE
