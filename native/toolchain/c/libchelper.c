/*
 * The small libc wrappers of SubstrateVM's libchelper (LibCHelper, LinuxLibCHelper, Fcntl,
 * PosixVMThreads): they exist because the image calls them with a fixed C signature
 * (variadic or macro-defined functions cannot be called from Java directly).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char **environ;

char **getEnviron(void) {
  return environ;
}

int getThreadId(void) {
  return (int)syscall(SYS_gettid);
}

/* A thread's user CPU time in nanoseconds from /proc (utime, field 14 of stat), or -1. */
long getThreadUserTimeSlow(int tid) {
  char path[64];
  char buffer[2048];
  snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
  FILE *stat = fopen(path, "r");
  if (stat == NULL) {
    return -1;
  }
  size_t length = fread(buffer, 1, sizeof(buffer) - 1, stat);
  fclose(stat);
  buffer[length] = '\0';
  /* The command name (field 2) may contain spaces and parentheses: start after the last ')'. */
  char *s = strrchr(buffer, ')');
  if (s == NULL) {
    return -1;
  }
  s++;
  long utime = -1;
  /* Fields 3..13 skipped, 14 is utime in clock ticks. */
  if (sscanf(s, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %ld", &utime) != 1) {
    return -1;
  }
  long ticks = sysconf(_SC_CLK_TCK);
  return ticks > 0 ? utime * (1000000000L / ticks) : -1;
}

void *mremapP(void *old_address, size_t old_size, size_t new_size, int flags, void *new_address) {
  return mremap(old_address, old_size, new_size, flags, new_address);
}

int openSII(const char *pathname, int flags, int mode) {
  return open(pathname, flags, mode);
}

int fprintfSD(FILE *stream, const char *format, const char *arg0, int arg1) {
  return fprintf(stream, format, arg0, arg1);
}
