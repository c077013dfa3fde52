#!/usr/bin/env bash
# Builds target/function.zip, the package that infra/ uploads (var.package_path).
#
#   native/build.sh           native when it can be built here, else the JVM package
#   native/build.sh --jvm     the JVM package (infra: package_type = "jvm")
#   native/build.sh --native  native or fail (infra: package_type = "native", the default)
#   native/build.sh --native --it   the same, and the packaged-app ITs run against the binary
#
# Native needs a working container engine (docker or podman; the build runs in the
# pinned Mandrel builder image below) or a local GraalVM/Mandrel native-image. With neither,
# --native builds with the VERIFICATION toolchain (native/toolchain.sh): it checks our code,
# it is not the release builder (see native/README.md).
# Extra Maven arguments go after "--", e.g. native/build.sh --jvm -- -DskipTests
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Mandrel 25 for Java 25 (GraalVM 25, the builder Quarkus 3.33 defaults to: ubi9 ...:jdk-25),
# pinned to a release (see native/README.md to move it).
BUILDER_IMAGE="${FANOUT_BUILDER_IMAGE:-quay.io/quarkus/ubi9-quarkus-mandrel-builder-image:25.0.2.0-Final-java25}"
ZIP=target/function.zip
STAGE=target/function

mode=auto
goal=package
maven_args=()
while (($#)); do
  case "$1" in
    --jvm) mode=jvm ;;
    --native) mode=native ;;
    # PackagedAppIT (readiness, adapter headers, deadline, SQS, migrate, SIGTERM) and DevOnlyCodeIT
    # against what was just packaged; the unit tests are ./mvnw verify's job.
    --it) goal="verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=PackagedAppIT,DevOnlyCodeIT" ;;
    --) shift; maven_args=("$@"); break ;;
    -h | --help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "native/build.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

container_engine() {
  local engine
  for engine in docker podman; do
    if command -v "$engine" >/dev/null 2>&1 && "$engine" info >/dev/null 2>&1; then
      echo "$engine"
      return 0
    fi
  done
  return 1
}

native_way=""
if [[ "$mode" != jvm ]]; then
  if engine="$(container_engine)"; then
    native_way="container:$engine"
  elif command -v native-image >/dev/null 2>&1; then
    native_way="local"
  elif [[ "$mode" == native ]]; then
    native_way="toolchain"
  else
    echo "==> No container engine and no native-image here: building the JVM package instead"
    echo "    (deploy it with -var package_type=jvm)"
    mode=jvm
  fi
fi
[[ "$mode" == auto ]] && mode=native

rm -rf "$STAGE" "$ZIP"
mkdir -p "$STAGE"

if [[ "$mode" == native ]]; then
  read -r -a goal_args <<<"$goal"
  args=(-B "${goal_args[@]}" -Dnative)
  if [[ "$native_way" == container:* ]]; then
    echo "==> Native build in ${BUILDER_IMAGE} (${native_way#container:})"
    args+=(-Dquarkus.native.container-build=true
           -Dquarkus.native.container-runtime="${native_way#container:}"
           -Dquarkus.native.builder-image="${BUILDER_IMAGE}")
  elif [[ "$native_way" == toolchain ]]; then
    cat <<'BANNER'
==> ************************************************************************************
==> VERIFICATION BUILD: no container engine and no native-image here, so this uses
==> native/toolchain.sh (GraalVM CE builder jars + hand-written C helpers + JDK static
==> libraries rebuilt from bitcode). It checks our code; it is NOT the release builder.
==> Deploy a zip built in the pinned Mandrel image (docker or podman) instead.
==> ************************************************************************************
BANNER
    graalvm_home="$(native/toolchain.sh --home)"
    export JAVA_HOME="${FANOUT_JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
    args+=(-Dquarkus.native.graalvm-home="$graalvm_home")
  else
    echo "==> Native build with the local $(native-image --version 2>/dev/null | head -n 1)"
  fi
  ./mvnw "${args[@]}" "${maven_args[@]}"
  runner="$(ls target/*-runner 2>/dev/null | head -n 1)"
  [[ -n "$runner" && -x "$runner" ]] || { echo "native/build.sh: no native executable under target/" >&2; exit 1; }
  cp "$runner" "$STAGE/fanout"
  # provided.al2023 runs /var/task/bootstrap; the Web Adapter (a layer) forwards to port 8080.
  cat > "$STAGE/bootstrap" <<'SCRIPT'
#!/bin/sh
# Lambda (provided.al2023) runs this; the Web Adapter layer forwards invocations to the app on $QUARKUS_HTTP_PORT.
# Heap: 80 % of the function's memory (the native image has no JIT, metaspace or class data to leave room for).
memory_mb="${AWS_LAMBDA_FUNCTION_MEMORY_SIZE:-512}"
exec "$(dirname "$0")/fanout" \
  -Xmx$((memory_mb * 80 / 100))m \
  -Dquarkus.http.host=127.0.0.1 \
  -Dquarkus.http.port="${QUARKUS_HTTP_PORT:-8080}" \
  "$@"
SCRIPT
  chmod 755 "$STAGE/bootstrap" "$STAGE/fanout"
  entry=bootstrap
  if [[ "$native_way" == toolchain ]]; then
    echo "VERIFICATION BUILD (native/toolchain.sh), not a release build" > "$STAGE/VERIFICATION-BUILD.txt"
  fi
else
  echo "==> JVM build (fast-jar)"
  # appcds.enabled also builds the main class's archive-generation mode, used below.
  read -r -a goal_args <<<"$goal"
  ./mvnw -B "${goal_args[@]}" -Dquarkus.package.jar.type=fast-jar -Dquarkus.package.jar.appcds.enabled=true "${maven_args[@]}"
  [[ -f target/quarkus-app/quarkus-run.jar ]] || { echo "native/build.sh: no target/quarkus-app/quarkus-run.jar" >&2; exit 1; }
  cp -R target/quarkus-app "$STAGE/quarkus-app"
  rm -f "$STAGE/quarkus-app/app-cds.jsa"
  # AppCDS: app-cds.jsa holds the classes loaded at start, pre-parsed, as Quarkus makes it
  # (quarkus.appcds.generate stops the app after its static init). It is written here, on the
  # staged files, because a JVM uses it only when quarkus-run.jar has the size and modification
  # time it had then, and a zip keeps times to 2 s in local time: so the times are first set to an
  # even second and the zip is made in UTC, as Lambda unpacks it. And only by the very JVM build
  # that wrote it: FANOUT_RUNTIME_JAVA_HOME (for Lambda's java21 runtime, the Amazon Corretto 21
  # build that runtime ships), else this machine's java (right for bench/ and local runs).
  runtime_java="${FANOUT_RUNTIME_JAVA_HOME:+$FANOUT_RUNTIME_JAVA_HOME/bin/}java"
  echo "==> AppCDS archive for $("$runtime_java" -version 2>&1 | head -n 1)"
  find "$STAGE" -exec touch -h -d "@$(( $(date +%s) / 2 * 2 ))" {} +
  (cd "$STAGE/quarkus-app" && "$runtime_java" -XX:+UseSerialGC -XX:ArchiveClassesAtExit=app-cds.jsa -Dquarkus.appcds.generate=true \
    -jar quarkus-run.jar >/dev/null) || { echo "native/build.sh: the AppCDS archive could not be made" >&2; exit 1; }
  # The handler infra expects (var.jvm_run_script), run by the Web Adapter's exec wrapper
  # (AWS_LAMBDA_EXEC_WRAPPER=/opt/bootstrap) on the java21 runtime.
  cat > "$STAGE/run.sh" <<'SCRIPT'
#!/bin/sh
# Started by the Web Adapter's exec wrapper (/opt/bootstrap) on Lambda's java21 runtime;
# the adapter forwards invocations to the app on $QUARKUS_HTTP_PORT (8080).
# - C1 only (TieredStopAtLevel=1): a function lives minutes, so a fast start beats peak code.
# - Serial GC: one or two vCPUs, small heaps; no GC threads to feed.
# - Heap: 70 % of the function's memory; the rest is metaspace, code cache, thread stacks
#   and the adapter. An OutOfMemoryError ends the process, and Lambda starts a fresh one.
# - AppCDS (app-cds.jsa, from native/build.sh): used when this JVM is the build that wrote it;
#   any other JVM skips it (-Xshare:auto) and starts without, its warning silenced.
memory_mb="${AWS_LAMBDA_FUNCTION_MEMORY_SIZE:-512}"
cd "$(dirname "$0")/quarkus-app" # the archive names quarkus-run.jar by this relative path
cds=""
[ -f app-cds.jsa ] && cds="-XX:SharedArchiveFile=app-cds.jsa -Xlog:cds=off -Xlog:cds+dynamic=off"
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" \
  -XX:+TieredCompilation -XX:TieredStopAtLevel=1 \
  -XX:+UseSerialGC \
  -Xms$((memory_mb * 70 / 100))m -Xmx$((memory_mb * 70 / 100))m \
  -XX:+ExitOnOutOfMemoryError \
  -Xshare:auto $cds \
  -Djava.net.preferIPv4Stack=true \
  -Dquarkus.http.host=127.0.0.1 \
  -Dquarkus.http.port="${QUARKUS_HTTP_PORT:-8080}" \
  -jar quarkus-run.jar "$@"
SCRIPT
  chmod 755 "$STAGE/run.sh"
  entry=run.sh
fi

# Zip with the modes kept (Lambda runs the entry point as it finds it); fixed order.
(cd "$STAGE" && find . -type f | sort | sed 's|^\./||' | TZ=UTC zip -q -X -@ "../function.zip")

echo "==> Checking $ZIP"
listing="$(zipinfo "$ZIP")"
entry_line="$(grep -E " ${entry}\$" <<<"$listing" || true)"
if [[ -z "$entry_line" ]]; then
  echo "FAIL: $ZIP has no $entry at its root" >&2
  exit 1
fi
if [[ "${entry_line:0:10}" != -rwx* ]]; then
  echo "FAIL: $entry is not executable in $ZIP: ${entry_line:0:10}" >&2
  exit 1
fi
if [[ "$mode" == jvm ]] && ! grep -qE ' quarkus-app/quarkus-run.jar$' <<<"$listing"; then
  echo "FAIL: $ZIP has no quarkus-app/quarkus-run.jar" >&2
  exit 1
fi
if [[ "$mode" == native ]] && ! grep -qE '^-rwx.* fanout$' <<<"$listing"; then
  echo "FAIL: $ZIP has no executable native binary 'fanout'" >&2
  exit 1
fi
sed -n '1p;$p' <<<"$listing"
echo "$entry_line"
size=$(stat -c %s "$ZIP")
unzipped=$(unzip -Zt "$ZIP" | awk '{print $3}')
echo "OK: $ZIP ($mode): $((size / 1024 / 1024)) MiB zipped ($size bytes), $((unzipped / 1024 / 1024)) MiB unzipped (Lambda's limit: 250 MiB)"
if ((unzipped > 250 * 1024 * 1024)); then
  echo "FAIL: over Lambda's 250 MiB unzipped limit" >&2
  exit 1
fi
if [[ "$native_way" == toolchain ]]; then
  echo "==> VERIFICATION BUILD: do not deploy this zip (native/README.md); build it where docker or podman runs."
else
  echo "Deploy: terraform -chdir=infra apply -var-file=environments/dev.tfvars -var package_type=$mode"
fi
