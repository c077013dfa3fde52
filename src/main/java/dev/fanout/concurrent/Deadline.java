package dev.fanout.concurrent;

import java.time.Duration;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;

/**
 * The moment by which a piece of work must be done, on the monotonic clock.
 * Every child call gets at most what is left ({@link #cap}); nothing waits past it.
 */
public final class Deadline {

    /**
     * The longest budget a deadline takes; a longer one is cut to it. The monotonic clock's
     * arithmetic holds for differences under 292 years, and a budget comes from outside too
     * (Lambda's context header), where {@code {"deadline":1e17}} must not overflow into a 500.
     */
    static final Duration LONGEST = Duration.ofDays(365);

    private static final Duration SHORTEST_TIMER = Duration.ofMillis(1);

    private final long expiresAtNanos;

    private Deadline(long expiresAtNanos) {
        this.expiresAtNanos = expiresAtNanos;
    }

    public static Deadline after(Duration budget) {
        return startingAt(System.nanoTime(), budget);
    }

    /** A deadline measured from an earlier instant, such as the request's arrival, so that queueing counts too. */
    public static Deadline startingAt(long startNanos, Duration budget) {
        Duration bounded = budget.compareTo(LONGEST) > 0 ? LONGEST
                : budget.compareTo(LONGEST.negated()) < 0 ? LONGEST.negated() : budget;
        return new Deadline(startNanos + bounded.toNanos());
    }

    public Deadline earliest(Deadline other) {
        return expiresAtNanos - other.expiresAtNanos <= 0 ? this : other;
    }

    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, expiresAtNanos - System.nanoTime()));
    }

    public boolean isExpired() {
        return expiresAtNanos - System.nanoTime() <= 0;
    }

    /** A call's own timeout, shortened to what the deadline has left. */
    public Duration cap(Duration timeout) {
        Duration remaining = remaining();
        return timeout.compareTo(remaining) <= 0 ? timeout : remaining;
    }

    /**
     * Bounds {@code work} by this deadline and a timeout of its own, whichever comes first.
     * The clock is read at subscription, not at assembly; on expiry the work is cancelled
     * (Mutiny cancels the upstream subscription) and {@code onExpiry} is the failure.
     */
    public <T> Uni<T> bound(Uni<T> work, Duration timeout, Supplier<? extends Throwable> onExpiry) {
        return Uni.createFrom().deferred(() -> {
            Duration budget = cap(timeout);
            // Under a millisecond is spent: a timer takes whole milliseconds, and Vert.x's refuses 0.
            if (budget.compareTo(SHORTEST_TIMER) < 0) {
                return Uni.createFrom().failure(onExpiry::get);
            }
            return work.ifNoItem().after(budget).failWith(onExpiry);
        });
    }

    /** Bounds {@code work} by this deadline alone. */
    public <T> Uni<T> bound(Uni<T> work, Supplier<? extends Throwable> onExpiry) {
        return bound(work, remaining(), onExpiry);
    }
}
