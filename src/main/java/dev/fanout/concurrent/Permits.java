package dev.fanout.concurrent;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.UniEmitter;

/**
 * An asynchronous semaphore, like asyncio's {@code Semaphore}: at most {@code size}
 * pieces of work run at once, and the rest wait in arrival order without holding a
 * thread. Shared by every caller that holds the same instance, so it can bound a
 * resource that several requests use at once (a connection pool, say).
 * <p>
 * The permit is taken when the returned {@code Uni} is subscribed. Cancelling while still
 * waiting leaves the line at once and frees its place; cancelling while running cancels the
 * work. The line has a length ({@code maxWaiting}): past it a caller is refused at once with
 * {@link PermitsExhaustedException}, rather than queueing for a wait it cannot outlive. A
 * caller bounds its wait with its own deadline (cancelling on expiry).
 * <p>
 * Two ways to give the permit back: {@link #run} gives it back however the work's
 * {@code Uni} ends (item, failure or cancellation); {@link #runUntilReleased} hands the work
 * its release, for a resource that stays busy after the subscriber has left (an HTTP request
 * whose reset is still on its way), so the permit mirrors the resource, not the caller.
 */
public final class Permits {

    private final int size;
    private final int maxWaiting;
    private final WaitTimes.Line waitTimes;
    private final ArrayDeque<Ticket<?>> waiting = new ArrayDeque<>(); // guarded by this
    private int available; // guarded by this
    /**
     * When the line's last turns were given, oldest first from {@code turnsRecorded % length};
     * this spell of waiting only. 256 of them: at 2,000 turns a second that is about 130 ms.
     * Over the last 16 (about 8 ms) a 1,024-client closed loop was shed a thousand times a
     * second, and over 256 three times (bench/results, runs 1626 and 1632); a young GC's pause
     * (30–40 ms, none served) reading as a stall is the likely cause, not traced.
     */
    private final long[] recentTurns = new long[256]; // guarded by this
    private long turnsRecorded; // guarded by this

    /** Permits with a line of waiters of any length. */
    public Permits(int size) {
        this(size, Integer.MAX_VALUE, null);
    }

    /** Permits with a line of at most {@code maxWaiting} waiters. */
    public Permits(int size, int maxWaiting) {
        this(size, maxWaiting, null);
    }

    /** Permits whose waiters report their time in line to {@code waitTimes} (may be null). */
    public Permits(int size, int maxWaiting, WaitTimes.Line waitTimes) {
        if (size < 1) {
            throw new IllegalArgumentException("permits must be at least 1, not " + size);
        }
        if (maxWaiting < 0) {
            throw new IllegalArgumentException("the line of waiters cannot be negative: " + maxWaiting);
        }
        this.size = size;
        this.maxWaiting = maxWaiting;
        this.waitTimes = waitTimes;
        this.available = size;
    }

    /** Runs {@code work} once a permit is free, and gives the permit back when its {@code Uni} ends. */
    public <T> Uni<T> run(Supplier<Uni<T>> work) {
        return enqueue(release -> work.get(), false);
    }

    /**
     * Runs {@code work} once a permit is free, handing it the permit's release, which the work
     * must run exactly once, when the resource it guards is really free again. Cancelling the
     * returned {@code Uni} cancels the work but does not give the permit back by itself.
     */
    public <T> Uni<T> runUntilReleased(Function<Runnable, Uni<T>> work) {
        return enqueue(work, true);
    }

    /** How many permits are held now. */
    public synchronized int inUse() {
        return size - available;
    }

    /** How many callers wait for a permit now. */
    public synchronized int waiting() {
        return waiting.size();
    }

    /**
     * The mean time between the last turns (up to 256) that the line gave, since it last formed;
     * 0 until it has given two. While someone waits, every permit is taken, so this is how fast
     * the work holding them ends: a waiter with {@code n} ahead of it waits about {@code n} times this.
     */
    public synchronized long turnIntervalNanos() {
        int known = (int) Math.min(turnsRecorded, recentTurns.length);
        if (known < 2) {
            return 0;
        }
        long newest = recentTurns[(int) ((turnsRecorded - 1) % recentTurns.length)];
        long oldest = recentTurns[(int) ((turnsRecorded - known) % recentTurns.length)];
        return (newest - oldest) / (known - 1);
    }

    /** How long the first caller in line has waited so far; 0 when nobody waits. */
    public synchronized long oldestWaitNanos() {
        Ticket<?> first = waiting.peekFirst();
        return first == null ? 0 : System.nanoTime() - first.queuedAt;
    }

    /**
     * About how long a caller joining the line now would wait: those ahead of it times the
     * interval between turns, or the oldest waiter's wait so far if that is longer (turns that
     * stopped coming); 0 when nobody waits. Read in one hold of the lock, so the three figures
     * are of one moment.
     */
    public synchronized long waitOfANewArrivalNanos() {
        if (waiting.isEmpty()) {
            return 0;
        }
        return Math.max(waiting.size() * turnIntervalNanos(), oldestWaitNanos());
    }

    private <T> Uni<T> enqueue(Function<Runnable, Uni<T>> work, boolean workReleases) {
        return Uni.createFrom().emitter(emitter -> {
            Ticket<T> ticket = new Ticket<>(work, workReleases, emitter);
            emitter.onTermination(ticket::end);
            switch (takeOrQueue(ticket)) {
                case TAKEN -> ticket.start();
                case QUEUED -> {
                }
                case REFUSED -> ticket.refuse();
            }
        });
    }

    private enum Admission { TAKEN, QUEUED, REFUSED }

    private synchronized Admission takeOrQueue(Ticket<?> ticket) {
        if (available > 0) {
            available--;
            return Admission.TAKEN;
        }
        if (waiting.size() >= maxWaiting) {
            return Admission.REFUSED;
        }
        if (waiting.isEmpty()) {
            turnsRecorded = 0; // a new spell of waiting: the last one's pace says nothing of this one's
        }
        waiting.addLast(ticket);
        return Admission.QUEUED;
    }

    private synchronized boolean leaveQueue(Ticket<?> ticket) {
        return waiting.remove(ticket);
    }

    /** Gives a permit back: to the next in line, or to the pool. */
    private void release() {
        Ticket<?> next;
        synchronized (this) {
            next = waiting.pollFirst();
            if (next == null) {
                if (available == size) {
                    throw new IllegalStateException("released a permit that was not held");
                }
                available++;
                return;
            }
            recentTurns[(int) (turnsRecorded++ % recentTurns.length)] = System.nanoTime();
        }
        next.start();
    }

    private final class Ticket<T> {
        private static final int WAITING = 0;
        private static final int RUNNING = 1;
        private static final int ENDED = 2;

        private final Function<Runnable, Uni<T>> work;
        private final boolean workReleases;
        private final UniEmitter<? super T> emitter;
        private final AtomicInteger state = new AtomicInteger(WAITING);
        private final AtomicBoolean released = new AtomicBoolean();
        private final long queuedAt = System.nanoTime();
        private volatile Cancellable running;

        private Ticket(Function<Runnable, Uni<T>> work, boolean workReleases, UniEmitter<? super T> emitter) {
            this.work = work;
            this.workReleases = workReleases;
            this.emitter = emitter;
        }

        /** Called holding a permit. */
        private void start() {
            reportWait();
            if (!state.compareAndSet(WAITING, RUNNING)) {
                Permits.this.release(); // cancelled while the permit was on its way: pass it on
                return;
            }
            // The subscription belongs to this Uni's subscriber: its end or cancellation ends it (see end()).
            Cancellable subscription;
            try {
                subscription = work.apply(this::releaseOnce).subscribe().with(emitter::complete, emitter::fail);
            } catch (RuntimeException failure) {
                releaseOnce();
                emitter.fail(failure);
                return;
            }
            running = subscription;
            if (state.get() == ENDED) {
                subscription.cancel();
            }
        }

        private void reportWait() {
            if (waitTimes != null) {
                waitTimes.waited(System.nanoTime() - queuedAt);
            }
        }

        private void refuse() {
            state.set(ENDED);
            emitter.fail(new PermitsExhaustedException(size, maxWaiting));
        }

        private void releaseOnce() {
            if (released.compareAndSet(false, true)) {
                Permits.this.release();
            }
        }

        /** The emitter terminated: the work answered or failed, or the subscriber cancelled. */
        private void end() {
            int previous = state.getAndSet(ENDED);
            if (previous == WAITING) {
                reportWait(); // a waiter that gave up waited too
                leaveQueue(this); // if release() already took it, start() sees ENDED and passes the permit on
            } else if (previous == RUNNING) {
                Cancellable subscription = running;
                if (subscription != null) {
                    subscription.cancel();
                }
                if (!workReleases) {
                    releaseOnce();
                }
            }
        }
    }
}
