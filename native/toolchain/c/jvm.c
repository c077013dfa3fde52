/*
 * The JVM_ and jio_ functions that the JDK's native libraries (libjava, libnet, libnio, ...)
 * call into the VM for, implemented for a SubstrateVM image (SubstrateVM's own libjvm is not
 * published on Maven Central). The linker names each one the image needs.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <jni.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/*
 * Called before a built-in library's JNI_OnLoad. Nothing needs setting up on Linux: the call
 * exists so that the image links this archive (the JDK libraries' JVM_ references resolve here).
 */
JNIEXPORT void JNICALL initialize(void) {
}

/* The CPUs this process may run on (its affinity mask), as HotSpot counts them without cgroups. */
JNIEXPORT jint JNICALL JVM_ActiveProcessorCount(void) {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    int count = CPU_COUNT(&set);
    if (count > 0) {
      return count;
    }
  }
  long online = sysconf(_SC_NPROCESSORS_ONLN);
  return online > 0 ? (jint)online : 1;
}

JNIEXPORT void *JNICALL JVM_FindLibraryEntry(void *handle, const char *name) {
  return dlsym(handle, name);
}

JNIEXPORT void JNICALL JVM_Halt(jint code) {
  exit(code);
}

JNIEXPORT jlong JNICALL JVM_CurrentTimeMillis(JNIEnv *env, jclass ignored) {
  (void)env;
  (void)ignored;
  struct timeval now;
  gettimeofday(&now, NULL);
  return (jlong)now.tv_sec * 1000 + now.tv_usec / 1000;
}

JNIEXPORT jlong JNICALL JVM_NanoTime(JNIEnv *env, jclass ignored) {
  (void)env;
  (void)ignored;
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (jlong)now.tv_sec * 1000000000L + now.tv_nsec;
}

/*
 * HotSpot's jio_ functions that libjava's jio.c (jio_snprintf, jio_fprintf) forwards to:
 * vsnprintf that always terminates and answers -1 when the output was cut.
 */
int jio_vsnprintf(char *str, size_t count, const char *fmt, va_list args) {
  if ((intptr_t)count <= 0) {
    return -1;
  }
  int result = vsnprintf(str, count, fmt, args);
  if (result < 0 || (size_t)result >= count) {
    str[count - 1] = '\0';
    return -1;
  }
  return result;
}

int jio_vfprintf(FILE *f, const char *fmt, va_list args) {
  return vfprintf(f, fmt, args);
}
