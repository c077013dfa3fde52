package dev.fanout.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;

/**
 * How far behind the event loops are: the time a request's bytes wait before the app reads
 * them. Each loop runs a probe every tenth of an interval and measures how late it ran; the
 * <em>lowest</em> lateness over an interval is the loop's lag for that interval, as in CoDel: a
 * GC pause or one slow callback raises a sample, only a queue that never drains raises them
 * all. The standing lag is the lower of the last two intervals', so it takes a whole second
 * of backlog (a fresh JVM's first requests load classes for a few hundred milliseconds).
 */
final class EventLoopLag {

    /** A sample this late is a frozen or suspended process waking up, not a queue: it starts a new window. */
    private static final long FROZEN_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final List<Probe> probes = new ArrayList<>();

    EventLoopLag(Vertx vertx, Duration interval) {
        long intervalNanos = interval.toNanos();
        for (EventExecutor loop : vertx.nettyEventLoopGroup()) {
            probes.add(new Probe(loop, intervalNanos));
        }
        probes.forEach(Probe::schedule);
    }

    /** The highest standing lag among the loops, in nanoseconds. */
    long standingNanos() {
        long highest = 0;
        for (Probe probe : probes) {
            highest = Math.max(highest, probe.standing);
        }
        return highest;
    }

    void stop() {
        probes.forEach(probe -> probe.stopped = true);
    }

    private static final class Probe {
        private final EventExecutor loop;
        private final long intervalNanos;
        private final long periodNanos;
        private volatile long standing;
        private long previousInterval; // touched on the loop's thread only
        private volatile boolean stopped;
        // touched on the loop's thread only
        private long due;
        private long windowStart;
        private long windowLowest = Long.MAX_VALUE;

        private Probe(EventExecutor loop, long intervalNanos) {
            this.loop = loop;
            this.intervalNanos = intervalNanos;
            this.periodNanos = Math.max(1, intervalNanos / 10);
            this.windowStart = System.nanoTime();
        }

        private void schedule() {
            if (!stopped) {
                due = System.nanoTime() + periodNanos;
                loop.schedule(this::run, periodNanos, TimeUnit.NANOSECONDS);
            }
        }

        private void run() {
            long now = System.nanoTime();
            long late = Math.max(0, now - due);
            if (late > FROZEN_NANOS) {
                windowStart = now;
                windowLowest = Long.MAX_VALUE;
                previousInterval = 0;
                standing = 0;
            } else {
                windowLowest = Math.min(windowLowest, late);
                if (now - windowStart >= intervalNanos) {
                    standing = Math.min(previousInterval, windowLowest);
                    previousInterval = windowLowest;
                    windowLowest = Long.MAX_VALUE;
                    windowStart = now;
                }
            }
            schedule();
        }
    }
}
