package dev.fanout.internals;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Handling SIGTERM in place of the JVM. The JDK has no public API for it; {@code sun.misc.Signal}
 * (module {@code jdk.unsupported}) is the one that stays available, and is what Quarkus'
 * own dev mode and most servers use.
 */
public final class TermSignal {

    static final String TERM = "TERM";

    private TermSignal() {
    }

    /** Runs {@code handler} on SIGTERM instead of the JVM's shutdown; answers how to put the previous handling back. */
    public static Runnable handle(Runnable handler) {
        Signal term = new Signal(TERM);
        SignalHandler previous = Signal.handle(term, signal -> handler.run());
        return () -> Signal.handle(term, previous);
    }
}
