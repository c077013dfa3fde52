package dev.fanout.internals;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import sun.misc.Signal;

/** Fails when {@code sun.misc.Signal} no longer lets the application take SIGTERM from the JVM. */
class TermSignalTest {

    private static final long WAIT_SECONDS = 10;

    @Test
    void aRealSigtermRunsTheHandlerInsteadOfStoppingTheJvm() throws Exception {
        CountDownLatch handled = new CountDownLatch(1);
        Runnable restore = TermSignal.handle(handled::countDown);
        try {
            Signal.raise(new Signal(TermSignal.TERM));

            assertThat(handled.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("the handler ran").isTrue();
        } finally {
            restore.run();
        }
    }
}
