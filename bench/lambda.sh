#!/usr/bin/env bash
# A local Lambda simulation, in one command: each package runs the way the Web Adapter
# starts it (the JVM zip's run.sh, the native zip's bootstrap), with the environment that
# infra/locals.tf sets, inside cgroups shaped like a Lambda instance of each memory size:
#   cpu     quota = memory / 1,769 MB of one CPU (1,769 MB is one vCPU)
#   memory  limit = the function's memory
#   freezer frozen between invocations, as a sandbox is
# It polls the adapter's readiness path (read from infra/locals.tf), invokes GET
# /users/{id}/profile at concurrency 1 with the adapter's x-amzn-lambda-context header,
# thawing for each invocation and freezing after it, and ends with SIGTERM and Lambda's
# 500 ms grace. Reports init duration, the first invocation, warm p50/p99, peak RSS and the
# cgroup's peak memory; writes bench/results/lambda-<date>.md, .csv and .png.
#
#   bench/lambda.sh                          # 512, 1024 and 1769 MB; JVM, and native if a native zip is there
#   bench/lambda.sh --sizes 512 --invocations 30 --skip-build     # a short smoke run
#   bench/lambda.sh --native-zip path/to/function.zip             # a native package built elsewhere
#   bench/lambda.sh --java-home /usr/lib/jvm/temurin-25-jdk-amd64 # the JVM that runs run.sh
#   bench/lambda.sh --without-cds            # the JVM package without its AppCDS archive
#
# Needs root (cgroup v1 cpu, memory and freezer under /sys/fs/cgroup). Installs what it
# lacks with apt (curl, PostgreSQL, python3-matplotlib). Loopback only; bounded in time.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BENCH="$ROOT/bench"
SIZES="512 1024 1769"
INVOCATIONS=200          # warm invocations per size, after the first
STUB_LATENCY_MS=20       # every upstream answers after this: the floor of a profile
USERS=10000
SKIP_BUILD=0
WITHOUT_CDS=0            # --without-cds: the JVM package without its AppCDS archive (to measure what it gives)
NATIVE_ZIP=""
JAVA_HOME_RUN="${JAVA_HOME:-}"
INIT_LIMIT_S=60          # Lambda stops an init at 10 s; we wait longer, to measure a miss
GRACE_MS=500             # Lambda's SIGTERM grace

usage() { sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) SIZES="${2//,/ }"; shift ;;
    --invocations) INVOCATIONS="$2"; shift ;;
    --stub-latency-ms) STUB_LATENCY_MS="$2"; shift ;;
    --native-zip) NATIVE_ZIP="$2"; shift ;;
    --java-home) JAVA_HOME_RUN="$2"; shift ;;
    --skip-build) SKIP_BUILD=1 ;;
    --without-cds) WITHOUT_CDS=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

[ "$(id -u)" = 0 ] || { echo "bench/lambda.sh needs root: it creates cgroups under /sys/fs/cgroup" >&2; exit 1; }
for controller in cpu cpuacct memory freezer; do
  [ -d "/sys/fs/cgroup/$controller" ] || { echo "no cgroup v1 $controller controller at /sys/fs/cgroup/$controller" >&2; exit 1; }
done

STAMP="$(date -u +%Y-%m-%d-%H%M)"
WORK="$(mktemp -d /tmp/fanout-lambda.XXXXXX)"
chmod 755 "$WORK"
CG="fanout-lambda-$$"
APP_PID="" STUB_PID="" PG_BIN="" PG_DATA="$WORK/pg"

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

cgroups_remove() {
  local c
  for c in freezer cpu cpuacct memory; do
    [ -d "/sys/fs/cgroup/$c/$CG" ] || continue
    [ "$c" = freezer ] && echo THAWED >"/sys/fs/cgroup/freezer/$CG/freezer.state" 2>/dev/null
    rmdir "/sys/fs/cgroup/$c/$CG" 2>/dev/null || true
  done
}
cleanup() {
  set +e
  if [ -n "$APP_PID" ]; then
    echo THAWED >"/sys/fs/cgroup/freezer/$CG/freezer.state" 2>/dev/null
    kill -KILL "$APP_PID" 2>/dev/null; wait "$APP_PID" 2>/dev/null
  fi
  cgroups_remove
  [ -n "$STUB_PID" ] && kill "$STUB_PID" 2>/dev/null && wait "$STUB_PID" 2>/dev/null
  if [ -n "$PG_BIN" ] && [ -f "$PG_DATA/postmaster.pid" ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- tools
apt_install() {
  log "installing $* (apt)"
  apt-get install -y -q "$@" >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q "$@" >/dev/null; }
}
command -v curl >/dev/null || apt_install curl
command -v unzip >/dev/null || apt_install unzip
command -v zip >/dev/null || apt_install zip
# The chart: Debian's matplotlib, for Debian's python (a python3 earlier on PATH may be another one).
PY=/usr/bin/python3
"$PY" -c 'import matplotlib' 2>/dev/null || { command -v python3 >/dev/null && python3 -c 'import matplotlib' 2>/dev/null && PY=python3; } ||
  { apt_install python3-matplotlib; PY=/usr/bin/python3; }
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
if [ -z "$PG_BIN" ] || ! command -v psql >/dev/null; then
  apt_install postgresql
  PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
fi
JAVA="${JAVA_HOME_RUN:+$JAVA_HOME_RUN/bin/}java"
"$JAVA" -version >/dev/null 2>&1 || { echo "no java at $JAVA (set --java-home)" >&2; exit 1; }
as_pg() { runuser -u postgres -- "$@"; }
# shellcheck source=lib/ports.sh
source "$BENCH/lib/ports.sh"
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# ---------------------------------------------------------------- packages
# A native zip that is already there (native/build.sh --native leaves target/function.zip with
# a bootstrap) is kept aside before the JVM build overwrites it.
if [ -z "$NATIVE_ZIP" ] && [ -f "$ROOT/target/function.zip" ] && unzip -l "$ROOT/target/function.zip" 2>/dev/null | grep -qE ' bootstrap$'; then
  cp "$ROOT/target/function.zip" "$WORK/native.zip"; NATIVE_ZIP="$WORK/native.zip"
  log "found a native package in target/function.zip"
fi
if [ "$SKIP_BUILD" = 0 ] || ! unzip -l "$ROOT/target/function.zip" 2>/dev/null | grep -qE ' run.sh$'; then
  log "building the JVM package (native/build.sh --jvm -- -DskipTests)"
  "$ROOT/native/build.sh" --jvm -- -DskipTests -q >"$WORK/build.log" 2>&1 || { tail -40 "$WORK/build.log" >&2; exit 1; }
fi
PACKAGES="jvm"
mkdir -p "$WORK/jvm" && unzip -q "$ROOT/target/function.zip" -d "$WORK/jvm"
[ "$WITHOUT_CDS" = 1 ] && rm -f "$WORK/jvm/quarkus-app/app-cds.jsa"
CDS="$([ -f "$WORK/jvm/quarkus-app/app-cds.jsa" ] && echo "with its AppCDS archive" || echo "without an AppCDS archive")"
if [ -n "$NATIVE_ZIP" ]; then
  mkdir -p "$WORK/native" && unzip -q "$NATIVE_ZIP" -d "$WORK/native"
  [ -x "$WORK/native/bootstrap" ] && PACKAGES="jvm native"
fi
log "packages: $PACKAGES (JVM $CDS); sizes: $SIZES MB; $INVOCATIONS warm invocations each"

# ---------------------------------------------------------------- PostgreSQL and the upstreams
PG_PORT=$(free_port)
DB=fanout DB_USER=fanout DB_PASSWORD="$(od -An -N8 -tx1 /dev/urandom | tr -d " \n")"
log "starting PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT (outside the cgroups, as RDS is)"
mkdir -p "$PG_DATA" && chown postgres "$PG_DATA"
as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U "$DB_USER" --auth=trust -E UTF8 >"$WORK/initdb.log" 2>&1
as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -w -l "$PG_DATA/postgres.log" \
  -o "-p $PG_PORT -k $PG_DATA -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
psql "host=127.0.0.1 port=$PG_PORT user=$DB_USER dbname=postgres" -q -c "CREATE DATABASE $DB"
PSQL_CONN="host=127.0.0.1 port=$PG_PORT user=$DB_USER dbname=$DB"

STUB_PORT=$(free_port)
log "starting the upstream stand-in on 127.0.0.1:$STUB_PORT, ${STUB_LATENCY_MS} ms for every upstream"
"$JAVA" -Xmx64m -XX:+UseSerialGC -cp "$WORK/jvm/quarkus-app/lib/main/*" "$ROOT/src/main/java/dev/fanout/local/UpstreamStandIn.java" --port "$STUB_PORT" --latency-ms "$STUB_LATENCY_MS" \
  >"$WORK/stub.log" 2>&1 &
STUB_PID=$!
for _ in $(seq 1 300); do grep -q listening "$WORK/stub.log" && break; sleep 0.1; done
grep -q listening "$WORK/stub.log" || { cat "$WORK/stub.log" >&2; exit 1; }
STUB="http://127.0.0.1:$STUB_PORT"

# ---------------------------------------------------------------- the function's environment
# As infra/locals.tf sets it (common_environment + function_environment for "profile"), with
# local values; the readiness path is read from locals.tf itself, so the bench follows infra.
READINESS_PATH="$(sed -n 's/^ *readiness_path *= *"\([^"]*\)".*/\1/p' "$ROOT/infra/locals.tf")"
[ -n "$READINESS_PATH" ] || { echo "no readiness_path in infra/locals.tf" >&2; exit 1; }
APP_PORT=$(free_port) # 8080 on Lambda; here a free port, so that nothing else on the machine answers
function_env() { # $1 = memory MB
  cat <<ENV
QUARKUS_HTTP_PORT=$APP_PORT
AWS_LWA_PORT=$APP_PORT
AWS_LWA_READINESS_CHECK_PORT=$APP_PORT
AWS_LWA_READINESS_CHECK_PATH=$READINESS_PATH
AWS_LWA_READINESS_CHECK_PROTOCOL=http
QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://127.0.0.1:$PG_PORT/$DB
QUARKUS_DATASOURCE_REACTIVE_POSTGRESQL_SSL_MODE=disable
QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:$PG_PORT/$DB
QUARKUS_DATASOURCE_USERNAME=$DB_USER
QUARKUS_DATASOURCE_PASSWORD=$DB_PASSWORD
QUARKUS_DATASOURCE_REACTIVE_MAX_SIZE=5
FANOUT_DB_POOL_MAX_SIZE=5
FANOUT_PROFILE_BILLING_URL=$STUB/billing
FANOUT_PROFILE_ORDERS_URL=$STUB/orders
FANOUT_PROFILE_RECOMMENDATIONS_URL=$STUB/recommendations
FANOUT_SYNC_DIRECTORY_URL=$STUB/directory
FANOUT_METRICS_NAMESPACE=Fanout
FANOUT_FUNCTION=profile
QUARKUS_FLYWAY_MIGRATE_AT_START=false
AWS_LAMBDA_FUNCTION_NAME=fanout-bench-profile
AWS_LAMBDA_FUNCTION_MEMORY_SIZE=$1
AWS_LAMBDA_FUNCTION_VERSION=\$LATEST
AWS_REGION=eu-west-1
LAMBDA_TASK_ROOT=/var/task
PATH=/usr/local/bin:/usr/bin:/bin
${JAVA_HOME_RUN:+JAVA_HOME=$JAVA_HOME_RUN}
ENV
}
# The local PostgreSQL has no TLS: SSL_MODE is disable here, "require" on AWS (the one difference).

log "migrating the schema (the deploy's migrate step, outside the cgroups) and seeding $USERS users"
(cd "$WORK/jvm" && exec env -i $(function_env 1769 | grep -v '^$') QUARKUS_FLYWAY_MIGRATE_AT_START=true \
  QUARKUS_HTTP_PORT="$(free_port)" AWS_LAMBDA_FUNCTION_NAME= "$JAVA" -jar quarkus-app/quarkus-run.jar) >"$WORK/migrate.log" 2>&1 &
MIGRATE_PID=$!
for _ in $(seq 1 1200); do
  grep -q "Listening on" "$WORK/migrate.log" 2>/dev/null && break
  kill -0 "$MIGRATE_PID" 2>/dev/null || { cat "$WORK/migrate.log" >&2; exit 1; }
  sleep 0.1
done
kill "$MIGRATE_PID"; wait "$MIGRATE_PID" 2>/dev/null || true
"$BENCH/seed" "$PSQL_CONN" "$USERS" >&2

# ---------------------------------------------------------------- one Lambda instance
freezer() { # FROZEN | THAWED; waits until the state is reached
  echo "$1" >"/sys/fs/cgroup/freezer/$CG/freezer.state"
  while [ "$(cat "/sys/fs/cgroup/freezer/$CG/freezer.state")" != "$1" ]; do sleep 0.001; done
}
lambda_context() { # a request id and a deadline 30 s ahead, as the adapter serialises the runtime's context
  printf '{"request_id":"%s","deadline":%d,"invoked_function_arn":"arn:aws:lambda:eu-west-1:123456789012:function:fanout-bench-profile","xray_trace_id":"Root=1-%x-%024x;Sampled=0","env_config":{"function_name":"fanout-bench-profile","memory":%d,"version":"$LATEST"}}' \
    "$(cat /proc/sys/kernel/random/uuid)" $(( $(now_ms) + 30000 )) "$(date +%s)" "$RANDOM$RANDOM" "$1"
}
invoke() { # $1 = memory; prints "<status> <seconds>"
  local id=$(( RANDOM % USERS + 1 ))
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --max-time 35 \
    -H "x-amzn-lambda-context: $(lambda_context "$1")" \
    -H "x-amzn-trace-id: Root=1-$(printf '%x' "$(date +%s)")-$(printf '%024x' "$RANDOM$RANDOM");Sampled=0" \
    "http://127.0.0.1:$APP_PORT/users/$id/profile"
}
percentile() { # $1 = p (0..100), stdin = numbers (ms)
  sort -n | awk -v p="$1" '{v[NR] = $1} END {if (NR == 0) {print "-"; exit} i = int((p / 100) * NR + 0.999999); if (i < 1) i = 1; if (i > NR) i = NR; printf "%.1f", v[i]}'
}

RESULTS="$WORK/results.csv"
echo "package,memory_mb,vcpu,init_ms,init_cpu_ms,first_ms,first_status,warm_p50_ms,warm_p99_ms,warm_non200,peak_rss_mb,cgroup_peak_mb,sigterm_exit,sigterm_ms" >"$RESULTS"

run_instance() { # $1 = package, $2 = memory MB
  local pkg="$1" mem="$2" entry quota vcpu t0 t_ready init_ms init_cpu_ms code first status secs i
  entry=run.sh; [ "$pkg" = native ] && entry=bootstrap
  quota=$(( 100000 * mem / 1769 ))
  vcpu=$(awk -v m="$mem" 'BEGIN{printf "%.2f", m / 1769}')
  for c in cpu cpuacct memory freezer; do mkdir -p "/sys/fs/cgroup/$c/$CG"; done
  echo 100000 >"/sys/fs/cgroup/cpu/$CG/cpu.cfs_period_us"
  # Lambda guarantees the share; here other processes compete for the cores, so the instance's
  # weight is raised to let it get its quota (the quota still caps it at memory/1769 of a CPU).
  echo 8192 >"/sys/fs/cgroup/cpu/$CG/cpu.shares"
  echo "$quota" >"/sys/fs/cgroup/cpu/$CG/cpu.cfs_quota_us"
  echo $(( mem * 1024 * 1024 )) >"/sys/fs/cgroup/memory/$CG/memory.limit_in_bytes"
  echo 0 >"/sys/fs/cgroup/memory/$CG/memory.swappiness" 2>/dev/null || true
  while (exec 3<>"/dev/tcp/127.0.0.1/$APP_PORT") 2>/dev/null; do sleep 0.1; done # the previous instance is gone
  log "$pkg at $mem MB ($vcpu vCPU, cpu.cfs_quota_us=$quota/100000, memory limit $mem MB): init"
  local logf="$WORK/$pkg-$mem.log"
  t0=$(date +%s%N)
  # The process joins the cgroups before it execs the entry point, so the whole init is inside them.
  (cd "$WORK/$pkg" && exec env -i $(function_env "$mem" | grep -v '^$') sh -c '
      for c in cpu cpuacct memory freezer; do echo $$ >"/sys/fs/cgroup/$c/'"$CG"'/cgroup.procs"; done
      exec ./'"$entry") >"$logf" 2>&1 &
  APP_PID=$!
  # Ready, as the adapter judges it: any answer below 500 (AWS_LWA_READINESS_CHECK_MIN_UNHEALTHY_STATUS).
  while code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$APP_PORT$READINESS_PATH"); \
        [ "$code" = 000 ] || [ "$code" -ge 500 ]; do
    if ! kill -0 "$APP_PID" 2>/dev/null; then
      tail -30 "$logf" >&2; echo "$pkg at $mem MB exited before it was ready" >&2; APP_PID=""; cgroups_remove; return 1
    fi
    [ $(( ($(date +%s%N) - t0) / 1000000000 )) -lt "$INIT_LIMIT_S" ] || { echo "$pkg at $mem MB not ready in $INIT_LIMIT_S s" >&2; return 1; }
    sleep 0.01 # the adapter polls every 10 ms
  done
  t_ready=$(date +%s%N)
  init_ms=$(( (t_ready - t0) / 1000000 ))
  # The CPU the init used, whatever else ran on the machine: the figure a busy machine cannot blur.
  init_cpu_ms=$(( $(cat "/sys/fs/cgroup/cpuacct/$CG/cpuacct.usage") / 1000000 ))
  freezer FROZEN # between init and the first invocation, as Lambda does
  log "  ready in $init_ms ms (exec to the first answer below 500 on $READINESS_PATH), $init_cpu_ms ms of CPU; first invocation"

  freezer THAWED
  read -r status secs < <(invoke "$mem")
  freezer FROZEN
  first=$(awk -v s="$secs" 'BEGIN{printf "%.1f", s * 1000}')
  log "  first invocation: $status in $first ms; $INVOCATIONS warm invocations, frozen between them"
  : >"$WORK/warm.txt"; local non200=0
  for i in $(seq 1 "$INVOCATIONS"); do
    freezer THAWED
    read -r code secs < <(invoke "$mem")
    freezer FROZEN
    [ "$code" = 200 ] || non200=$(( non200 + 1 ))
    awk -v s="$secs" 'BEGIN{printf "%.3f\n", s * 1000}' >>"$WORK/warm.txt"
    if [ $(( i % 50 )) = 0 ] || [ "$i" = "$INVOCATIONS" ]; then
      log "    $i/$INVOCATIONS, p50 so far $(percentile 50 <"$WORK/warm.txt") ms, non-200 $non200"
    fi
  done
  local p50 p99 rss cg_peak t_term exit_code term_ms
  p50=$(percentile 50 <"$WORK/warm.txt"); p99=$(percentile 99 <"$WORK/warm.txt")
  rss=$(( $(awk '/^VmHWM:/{print $2}' "/proc/$APP_PID/status") / 1024 ))
  cg_peak=$(( $(cat "/sys/fs/cgroup/memory/$CG/memory.max_usage_in_bytes") / 1024 / 1024 ))

  # Shutdown as Lambda does it: thawed, SIGTERM, and SIGKILL if it still runs 500 ms later.
  freezer THAWED
  rm -f "$WORK/killed"
  t_term=$(date +%s%N)
  kill -TERM "$APP_PID"
  ( sleep "$(awk -v g="$GRACE_MS" 'BEGIN{printf "%.3f", g / 1000}')"
    kill -KILL "$APP_PID" 2>/dev/null && touch "$WORK/killed" ) &
  local killer=$!
  exit_code=0
  wait "$APP_PID" 2>/dev/null || exit_code=$?
  term_ms=$(( ($(date +%s%N) - t_term) / 1000000 ))
  kill "$killer" 2>/dev/null; wait "$killer" 2>/dev/null || true
  [ -f "$WORK/killed" ] && exit_code="killed (SIGKILL)"
  APP_PID=""
  cgroups_remove
  log "  warm p50 $p50 ms, p99 $p99 ms, non-200 $non200; peak RSS $rss MB, cgroup peak $cg_peak MB; SIGTERM: exit $exit_code after $term_ms ms"
  echo "$pkg,$mem,$vcpu,$init_ms,$init_cpu_ms,$first,$status,$p50,$p99,$non200,$rss,$cg_peak,$exit_code,$term_ms" >>"$RESULTS"
}

for pkg in $PACKAGES; do
  for mem in $SIZES; do
    run_instance "$pkg" "$mem" || echo "$pkg,$mem,$(awk -v m="$mem" 'BEGIN{printf "%.2f", m / 1769}'),failed,,,,,,,,,," >>"$RESULTS"
  done
done

# ---------------------------------------------------------------- report
mkdir -p "$BENCH/results"
OUT="$BENCH/results/lambda-$STAMP"
cp "$RESULTS" "$OUT.csv"
"$PY" - "$OUT.csv" "$OUT.png" <<'PY'
import csv, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["init_ms"] not in ("", "failed")]
fig, axes = plt.subplots(1, 3, figsize=(13, 4))
panels = [("init_ms", "init (ms)"), ("first_ms", "first invocation (ms)"), ("warm_p50_ms", "warm p50 / p99 (ms)")]
packages = sorted({r["package"] for r in rows})
for ax, (key, title) in zip(axes, panels):
    for i, pkg in enumerate(packages):
        mine = [r for r in rows if r["package"] == pkg]
        xs = [j + i * 0.38 for j in range(len(mine))]
        ax.bar(xs, [float(r[key]) for r in mine], width=0.36, label=pkg)
        if key == "warm_p50_ms":
            ax.scatter(xs, [float(r["warm_p99_ms"]) for r in mine], marker="_", s=300, color="black")
        ax.set_xticks([j + 0.19 * (len(packages) - 1) for j in range(len(mine))], [r["memory_mb"] + " MB" for r in mine])
    ax.set_title(title)
    ax.legend()
axes[0].axhline(10000, color="red", linestyle=":", linewidth=1)
fig.suptitle("Fanout profile function, local Lambda simulation (cgroup CPU = memory/1769 of a core)")
fig.tight_layout()
fig.savefig(sys.argv[2], dpi=110)
PY
MACHINE="$(nproc) cores ($(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)), $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
{
  echo "# Lambda simulation, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- command: \`bench/lambda.sh --sizes \"$SIZES\" --invocations $INVOCATIONS\`; commit $(cd "$ROOT" && git rev-parse --short HEAD)$(cd "$ROOT" && git diff --quiet HEAD -- src pom.xml native || echo ' (+ uncommitted changes)')"
  echo "- machine: $MACHINE; JVM: $("$JAVA" -version 2>&1 | head -1), the package $CDS; PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}')"
  echo "- each instance: cgroup v1 cpu quota memory/1769 of one CPU, memory limit = memory, frozen between invocations; readiness \`$READINESS_PATH\` polled every 10 ms; GET /users/{random}/profile at concurrency 1, every upstream ${STUB_LATENCY_MS} ms; SIGTERM, then SIGKILL after ${GRACE_MS} ms"
  echo "- init: exec of run.sh/bootstrap to the first readiness answer below 500, and the CPU time the cgroup used until then (cpuacct), which other load on the machine does not change; first/warm: curl's total time of one invocation (thawed before it, frozen after it)"
  echo
  echo "| package | memory MB | vCPU | init ms | init CPU ms | first invocation ms | warm p50 ms | warm p99 ms | non-200 | peak RSS MB | cgroup peak MB | SIGTERM |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
  tail -n +2 "$RESULTS" | awk -F, '{printf "| %s | %s | %s | %s | %s | %s (%s) | %s | %s | %s | %s | %s | exit %s after %s ms |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14}'
  echo
  echo "![Lambda simulation](lambda-$STAMP.png)"
} >"$OUT.md"
cat "$OUT.md"
log "results: bench/results/lambda-$STAMP.md, .csv, .png"
