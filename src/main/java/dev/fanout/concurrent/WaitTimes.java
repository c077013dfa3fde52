package dev.fanout.concurrent;

import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.inject.Singleton;

/**
 * How long work has been waiting in this instance's lines ({@link Permits}) lately, as
 * CoDel measures a queue: per line, the <em>lowest</em> wait of an interval. A burst that
 * drains gives some short waits and keeps the lowest low; only a line that never empties
 * raises every wait, which is a standing queue that deadlines cannot absorb. The standing
 * wait is the worst line's. One per application, shared by every line that reports to it.
 */
@Singleton
public class WaitTimes {

    private static final long INTERVAL_NANOS = Duration.ofMillis(500).toNanos();

    private final CopyOnWriteArrayList<Line> lines = new CopyOnWriteArrayList<>();

    /** A new line that reports here. */
    public Line line() {
        Line line = new Line();
        lines.add(line);
        return line;
    }

    /** The worst line's lowest wait of its last interval; a line that stayed empty for one counts 0. */
    public long standingNanos() {
        long worst = 0;
        for (Line line : lines) {
            worst = Math.max(worst, line.standingNanos());
        }
        return worst;
    }

    /** One line's waits; {@link #line()} makes one that counts in {@link #standingNanos()}, {@code new} one that stands alone. */
    public static final class Line {
        private long windowStart = System.nanoTime(); // guarded by this
        private long windowLowest = Long.MAX_VALUE; // guarded by this
        private long standing; // guarded by this

        /** One waiter's time in line, when it got its permit or gave up. */
        public synchronized void waited(long nanos) {
            roll(System.nanoTime());
            windowLowest = Math.min(windowLowest, nanos);
        }

        /** This line's lowest wait of its last interval; 0 for a line that stayed empty for one. */
        public synchronized long standingNanos() {
            roll(System.nanoTime());
            return standing;
        }

        private void roll(long now) {
            long elapsed = now - windowStart;
            if (elapsed >= INTERVAL_NANOS) {
                // a window with no waiter at all (or more than one window ago) is an empty line
                standing = elapsed >= 2 * INTERVAL_NANOS || windowLowest == Long.MAX_VALUE ? 0 : windowLowest;
                windowLowest = Long.MAX_VALUE;
                windowStart = now;
            }
        }
    }
}
