/*
 * The builder's own helper (com.oracle.svm.hosted.ProgressReporterCHelper), loaded from
 * <java.home>/lib/svm/builder/lib: the terminal's width for the progress output, and the
 * builder's peak RSS for its summary (the "peak memory" figure of a build).
 */
#include <jni.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>

JNIEXPORT jlong JNICALL Java_com_oracle_svm_hosted_ProgressReporterCHelper_getPeakRSS0(JNIEnv *env, jclass c) {
  (void)env;
  (void)c;
  struct rusage usage;
  if (getrusage(RUSAGE_SELF, &usage) != 0) {
    return -1;
  }
  return (jlong)usage.ru_maxrss * 1024; /* Linux reports kilobytes */
}

JNIEXPORT jint JNICALL Java_com_oracle_svm_hosted_ProgressReporterCHelper_getTerminalWindowColumns0(JNIEnv *env, jclass c) {
  (void)env;
  (void)c;
  struct winsize size;
  if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    return size.ws_col;
  }
  return 80; /* no terminal (a CI log): the reporter's default width */
}
