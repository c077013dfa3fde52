#!/usr/bin/env bash
# Assembles Fanout's VERIFICATION native-image toolchain from Maven Central and Debian packages
# only, for machines with neither a container engine nor GraalVM/Mandrel. It checks our code
# (native analysis, build-time initialisation, reflection, a run of the binary); it is NOT the
# release builder, which stays the pinned Mandrel builder image in native/build.sh.
#
#   native/toolchain.sh            assemble (or reuse) the toolchain, print its GRAALVM_HOME
#   native/toolchain.sh --home     print the GRAALVM_HOME only (after assembling if needed)
#   native/toolchain.sh --check    also build and run the toolchain's own check program
#
# What it assembles, under $FANOUT_NATIVE_CACHE (default ~/.cache/fanout-native), outside the
# work tree so that it survives clean clones:
#   - a copy of Temurin 25 ($FANOUT_JDK25) as the home, with the GraalVM CE 25.0.2 builder jars
#     (org.graalvm.nativeimage:svm and its modules) in lib/svm/builder;
#   - the JDK's static libraries (libjava.a, libnet.a, ...) compiled with Debian's llvm-16 from
#     the LLVM bitcode that org.graalvm.espresso:espresso-runtime-resources-jdk25 ships;
#   - SubstrateVM's C helpers, written by us (native/toolchain/c): CPU features, sun.misc.Signal,
#     locale, time zone, the JVM_ functions the JDK libraries call;
#   - bin/native-image, a stand-in for GraalVM's driver (native/toolchain/NativeImage.java).
# Each step prints its time and is skipped when its inputs have not changed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"

GRAALVM_VERSION=25.0.2
ESPRESSO_RESOURCES=org.graalvm.espresso:espresso-runtime-resources-jdk25:25.3.4.1
JDK25="${FANOUT_JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
CACHE="${FANOUT_NATIVE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/fanout-native}"
HOME_DIR="$CACHE/graalvm-ce-$GRAALVM_VERSION-verification"
STATIC_LIBS=(java net nio zip extnet management management_ext jaas prefs j2pkcs11 j2gss sctp attach)

print_home_only=false
run_check=false
for arg in "$@"; do
  case "$arg" in
    --home) print_home_only=true ;;
    --check) run_check=true ;;
    -h | --help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "native/toolchain.sh: unknown argument $arg (see --help)" >&2; exit 2 ;;
  esac
done

say() { if $print_home_only; then echo "$*" >&2; else echo "$*"; fi; }
started_all=$SECONDS
step_started=0
step() { step_started=$SECONDS; say "==> [toolchain] $*"; }
done_step() { say "    done in $((SECONDS - step_started)) s"; }
# A step's stamp holds the hash of its inputs; a step whose stamp matches is skipped.
stamp_of() { cat "$@" 2>/dev/null | sha256sum | cut -c1-16; }
fresh() { [[ -f "$HOME_DIR/.stamps/$1" && "$(cat "$HOME_DIR/.stamps/$1")" == "$2" ]]; }
mark() { mkdir -p "$HOME_DIR/.stamps"; echo "$2" > "$HOME_DIR/.stamps/$1"; }

step "Debian packages (llvm-16, gcc, binutils, zlib1g-dev)"
missing=()
command -v llc-16 >/dev/null 2>&1 || missing+=(llvm-16)
command -v gcc >/dev/null 2>&1 || missing+=(gcc)
command -v objcopy >/dev/null 2>&1 || missing+=(binutils)
[[ -f /usr/include/zlib.h ]] || missing+=(zlib1g-dev)
[[ -f /usr/include/stdio.h ]] || missing+=(libc6-dev)
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "native/toolchain.sh: needs ${missing[*]}: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  say "    installing ${missing[*]}"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
fi
[[ -x "$JDK25/bin/java" ]] || { echo "native/toolchain.sh: no JDK 25 at $JDK25 (set FANOUT_JDK25)" >&2; exit 1; }
done_step

key="$(stamp_of "$JDK25/release")"
if ! fresh jdk "$key"; then
  step "The home: a copy of $JDK25"
  rm -rf "$HOME_DIR"
  mkdir -p "$CACHE"
  cp -a "$JDK25" "$HOME_DIR.tmp"
  mv "$HOME_DIR.tmp" "$HOME_DIR"
  mark jdk "$key"
  done_step
fi

mvn_quiet() { "$ROOT/mvnw" -B -ntp -q "$@" >&2; }

key="$(stamp_of native/toolchain/pom.xml)"
if ! fresh builder "$key"; then
  step "GraalVM CE $GRAALVM_VERSION builder jars (Maven Central)"
  rm -rf "$HOME_DIR/lib/svm/builder"
  mvn_quiet -f native/toolchain/pom.xml dependency:copy-dependencies -DoutputDirectory="$HOME_DIR/lib/svm/builder"
  mark builder "$key"
  done_step
fi

RESOURCES_JAR="$CACHE/downloads/$(cut -d: -f2 <<<"$ESPRESSO_RESOURCES")-$(cut -d: -f3 <<<"$ESPRESSO_RESOURCES").jar"
if [[ ! -s "$RESOURCES_JAR" ]]; then
  step "The JDK's native code as LLVM bitcode ($ESPRESSO_RESOURCES, about 240 MB)"
  mvn_quiet -f native/toolchain/pom.xml dependency:copy -Dartifact="$ESPRESSO_RESOURCES" -DoutputDirectory="$CACHE/downloads"
  done_step
fi

STATIC_DIR="$HOME_DIR/lib/static/linux-amd64/glibc"
key="$(echo "${STATIC_LIBS[*]}" "$(stat -c %s "$RESOURCES_JAR")" "$(sed -n '/^build_static_lib()/,/^}/p' "$0")" | sha256sum | cut -c1-16)"
build_static_lib() {
  local lib="$1" work="$2" jdk_include="$HOME_DIR/include"
  objcopy --dump-section .llvmbc="$work/$lib.bc" "$work/so/lib$lib.so" /dev/null
  llc-16 -O2 -filetype=obj -relocation-model=pic -function-sections -data-sections "$work/$lib.bc" -o "$work/$lib.o"
  local objects=("$work/$lib.o")
  nm "$work/$lib.o" > "$work/$lib.symbols"
  # Built for dynamic loading, the library's entry point is JNI_OnLoad (or absent). A built-in
  # (static) library's entry point carries its name, JNI_OnLoad_<lib>, and must answer
  # JNI_VERSION_1_8 or later, as the JDK's own static build (DEF_STATIC_JNI_OnLoad) does.
  if grep -q ' T JNI_OnLoad$' "$work/$lib.symbols"; then
    objcopy --redefine-sym JNI_OnLoad=fanout_dynamic_JNI_OnLoad_"$lib" "$work/$lib.o"
    cat > "$work/${lib}_onload.c" <<C
#include <jni.h>
jint fanout_dynamic_JNI_OnLoad_$lib(JavaVM *vm, void *reserved);
/* The library's own JNI_OnLoad does its work; a built-in library must answer 1.8 or later. */
JNIEXPORT jint JNICALL JNI_OnLoad_$lib(JavaVM *vm, void *reserved) {
  jint version = fanout_dynamic_JNI_OnLoad_$lib(vm, reserved);
  return version < 0 ? version : (version < JNI_VERSION_1_8 ? JNI_VERSION_1_8 : version);
}
C
  else
    cat > "$work/${lib}_onload.c" <<C
#include <jni.h>
/* The library has nothing to set up when loaded; as a built-in library it only states its JNI version. */
JNIEXPORT jint JNICALL JNI_OnLoad_$lib(JavaVM *vm, void *reserved) {
  (void)vm;
  (void)reserved;
  return JNI_VERSION_1_8;
}
C
  fi
  gcc -O2 -fPIC -I"$jdk_include" -I"$jdk_include/linux" -c "$work/${lib}_onload.c" -o "$work/${lib}_onload.o"
  objects+=("$work/${lib}_onload.o")
  if grep -q ' T JNI_OnUnload$' "$work/$lib.symbols"; then
    objcopy --redefine-sym JNI_OnUnload=JNI_OnUnload_"$lib" "$work/$lib.o"
  fi
  rm -f "$STATIC_DIR/lib$lib.a"
  ar rcs "$STATIC_DIR/lib$lib.a" "${objects[@]}"
}
if ! fresh static "$key"; then
  step "The JDK's static libraries from bitcode (llc-16): ${STATIC_LIBS[*]}"
  work="$(mktemp -d)"
  mkdir -p "$STATIC_DIR" "$work/so"
  patterns=()
  for lib in "${STATIC_LIBS[@]}"; do
    patterns+=("META-INF/resources/java/espresso-runtime-jdk25/linux/amd64/lib/llvm/lib$lib.so")
  done
  unzip -q -o -j "$RESOURCES_JAR" "${patterns[@]}" -d "$work/so"
  for lib in "${STATIC_LIBS[@]}"; do
    build_static_lib "$lib" "$work"
    say "    lib$lib.a"
  done
  rm -rf "$work"
  mark static "$key"
  done_step
fi

CLIB_DIR="$HOME_DIR/lib/svm/clibraries/linux-amd64"
key="$(stamp_of native/toolchain/c/*.c native/toolchain/c/include/*.h)"
if ! fresh clibraries "$key"; then
  step "SubstrateVM's C helpers (native/toolchain/c): liblibchelper.a, libjvm.a, libreporterchelper.so"
  work="$(mktemp -d)"
  rm -rf "$CLIB_DIR"
  mkdir -p "$CLIB_DIR/include" "$HOME_DIR/lib/svm/builder/lib"
  cp native/toolchain/c/include/*.h "$CLIB_DIR/include/"
  cflags=(-O2 -fPIC -Wall -Wextra -Werror -Inative/toolchain/c/include -I"$HOME_DIR/include" -I"$HOME_DIR/include/linux")
  for c in cpufeatures sunmiscsignal locale timezone libchelper jvm; do
    gcc "${cflags[@]}" -c "native/toolchain/c/$c.c" -o "$work/$c.o"
  done
  ar rcs "$CLIB_DIR/liblibchelper.a" "$work"/{cpufeatures,sunmiscsignal,locale,timezone,libchelper}.o
  ar rcs "$CLIB_DIR/libjvm.a" "$work/jvm.o"
  gcc "${cflags[@]}" -shared native/toolchain/c/reporterchelper.c -o "$HOME_DIR/lib/svm/builder/lib/libreporterchelper.so"
  rm -rf "$work"
  mark clibraries "$key"
  done_step
fi

key="$(stamp_of native/toolchain/NativeImage.java)"
if ! fresh driver "$key"; then
  step "bin/native-image, the driver stand-in (native/toolchain/NativeImage.java)"
  rm -rf "$HOME_DIR/lib/svm/driver"
  "$HOME_DIR/bin/javac" -d "$HOME_DIR/lib/svm/driver" native/toolchain/NativeImage.java
  cat > "$HOME_DIR/bin/native-image" <<'SCRIPT'
#!/bin/sh
# Fanout's verification toolchain (native/toolchain.sh): not GraalVM's driver, a stand-in for it.
home="$(cd "$(dirname "$0")/.." && pwd)"
exec "$home/bin/java" -Dfanout.native.home="$home" -Dfanout.native.xmx="${FANOUT_NATIVE_XMX:-10g}" \
  -cp "$home/lib/svm/driver" NativeImage "$@"
SCRIPT
  chmod 755 "$HOME_DIR/bin/native-image"
  mark driver "$key"
  done_step
fi

if $run_check; then
  key="$(stamp_of "$HOME_DIR"/.stamps/{jdk,builder,static,clibraries,driver} native/toolchain/ToolchainCheck.java)"
  if ! fresh check "$key"; then
    step "Check: build native/toolchain/ToolchainCheck.java natively and run it"
    work="$(mktemp -d)"
    "$HOME_DIR/bin/javac" -d "$work/classes" native/toolchain/ToolchainCheck.java
    (cd "$work" && "$HOME_DIR/bin/native-image" --no-fallback -cp classes ToolchainCheck toolchain-check >"$work/build.log" 2>&1) || {
      tail -n 40 "$work/build.log" >&2
      echo "native/toolchain.sh: the check program did not build (log: $work/build.log)" >&2
      exit 1
    }
    # The zone the machine itself names, when TZ is unset (as the JDK finds it).
    machine_zone="$(cat /etc/timezone 2>/dev/null || readlink /etc/localtime | sed 's|.*zoneinfo/||')"
    check() { say "    $*"; env "$@" || { echo "native/toolchain.sh: the check program failed: $*" >&2; exit 1; }; }
    check TZ=UTC LC_ALL=C "$work/toolchain-check" UTC en_US
    # C.UTF-8 is not "C" to the JDK: language en, no country (as Temurin's own java -XshowSettings says).
    check TZ=:UTC LC_ALL=C.UTF-8 "$work/toolchain-check" UTC en
    check TZ=Europe/Paris LC_ALL=POSIX "$work/toolchain-check" Europe/Paris en_US
    check TZ=/usr/share/zoneinfo/Asia/Tokyo "$work/toolchain-check" Asia/Tokyo
    check -u TZ "$work/toolchain-check" "$machine_zone"
    rm -rf "$work"
    mark check "$key"
    done_step
  fi
fi

say "==> [toolchain] ready in $((SECONDS - started_all)) s: VERIFICATION builder (GraalVM CE $GRAALVM_VERSION builder jars on $(sed -n 's/^JAVA_RUNTIME_VERSION="\(.*\)"/\1/p' "$HOME_DIR/release"))"
say "    GRAALVM_HOME=$HOME_DIR"
echo "$HOME_DIR"
