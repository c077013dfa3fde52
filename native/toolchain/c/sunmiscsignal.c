/*
 * The C half of sun.misc.Signal in a SubstrateVM image (CSunMiscSignal): the handler that the
 * image installs for a Java-handled signal (SIGTERM for Fanout's graceful shutdown) counts the
 * signal and posts a semaphore; the image's signal-dispatch thread waits on that semaphore and
 * takes the pending signals one at a time, then runs the Java handlers. Only async-signal-safe
 * calls (atomics, sem_post) happen in the handler.
 */
#include <errno.h>
#include <semaphore.h>
#include <signal.h>
#include <stdbool.h>

/* One counter per signal number; NSIG bounds the signals this process can receive. */
static volatile int pending[NSIG];
static sem_t dispatch_semaphore;
/* 0 free, 1 owned by an isolate (only one isolate may own the signal mechanism). */
static volatile int owner;

int cSunMiscSignal_open(void) {
  int expected = 0;
  if (!__atomic_compare_exchange_n(&owner, &expected, 1, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
    return 1;
  }
  for (int i = 0; i < NSIG; i++) {
    __atomic_store_n(&pending[i], 0, __ATOMIC_SEQ_CST);
  }
  if (sem_init(&dispatch_semaphore, 0, 0) != 0) {
    __atomic_store_n(&owner, 0, __ATOMIC_SEQ_CST);
    return -1; /* errno tells why; the caller reports it */
  }
  return 0;
}

int cSunMiscSignal_close(void) {
  if (__atomic_load_n(&owner, __ATOMIC_SEQ_CST) != 1) {
    return 0;
  }
  int result = sem_destroy(&dispatch_semaphore);
  __atomic_store_n(&owner, 0, __ATOMIC_SEQ_CST);
  return result == 0 ? 0 : errno;
}

/* Waits for a post; a wake-up may find nothing pending, which the caller tolerates. */
int cSunMiscSignal_awaitSemaphore(void) {
  while (sem_wait(&dispatch_semaphore) != 0) {
    if (errno != EINTR) {
      return errno;
    }
  }
  return 0;
}

int cSunMiscSignal_signalSemaphore(void) {
  return sem_post(&dispatch_semaphore) == 0 ? 0 : errno;
}

bool cSunMiscSignal_signalRangeCheck(int signal) {
  return signal > 0 && signal < NSIG;
}

/* Takes one pending signal (lowest number first), or -1; only the dispatch thread calls this. */
int cSunMiscSignal_checkPendingSignal(void) {
  for (int signal = 1; signal < NSIG; signal++) {
    int count = __atomic_load_n(&pending[signal], __ATOMIC_SEQ_CST);
    while (count > 0) {
      if (__atomic_compare_exchange_n(&pending[signal], &count, count - 1, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
        return signal;
      }
    }
  }
  return -1;
}

static void countingHandler(int signal) {
  if (signal > 0 && signal < NSIG) {
    int saved_errno = errno;
    __atomic_add_fetch(&pending[signal], 1, __ATOMIC_SEQ_CST);
    sem_post(&dispatch_semaphore);
    errno = saved_errno;
  }
}

void (*cSunMiscSignal_signalHandlerFunctionPointer(void))(int) {
  return countingHandler;
}
