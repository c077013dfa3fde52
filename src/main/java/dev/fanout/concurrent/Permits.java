package dev.fanout.concurrent;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;
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
 * The permit is taken when the returned {@code Uni} is subscribed and given back
 * however the work ends: item, failure or cancellation. Cancelling while still
 * waiting leaves the queue; cancelling while running cancels the work.
 * <p>
 * Two ways in: {@link #run} waits in line for a permit; {@link #tryAcquire} is refused at
 * once when none is free (a bulkhead), for a resource whose own queue must stay empty, and
 * leaves the {@link #release} to the caller.
 */
public final class Permits {

    private final int size;
    private final ArrayDeque<Ticket<?>> waiting = new ArrayDeque<>(); // guarded by this
    private int available; // guarded by this

    public Permits(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("permits must be at least 1, not " + size);
        }
        this.size = size;
        this.available = size;
    }

    /** Runs {@code work} once a permit is free; the supplier is called only then. */
    public <T> Uni<T> run(Supplier<Uni<T>> work) {
        return Uni.createFrom().emitter(emitter -> {
            Ticket<T> ticket = new Ticket<>(work, emitter);
            emitter.onTermination(ticket::end);
            if (takeOrQueue(ticket)) {
                ticket.start();
            }
        });
    }

    /**
     * Takes a permit if one is free now, for work whose end is not a {@code Uni}'s
     * termination. Whoever gets {@code true} must {@link #release()} it exactly once.
     */
    public synchronized boolean tryAcquire() {
        if (available > 0) {
            available--;
            return true;
        }
        return false;
    }

    /** How many permits are held now. */
    public synchronized int inUse() {
        return size - available;
    }

    private synchronized boolean takeOrQueue(Ticket<?> ticket) {
        if (available > 0) {
            available--;
            return true;
        }
        waiting.addLast(ticket);
        return false;
    }

    private synchronized boolean leaveQueue(Ticket<?> ticket) {
        return waiting.remove(ticket);
    }

    /** Gives a permit back: to the next in line, or to the pool. */
    public void release() {
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
        }
        next.start();
    }

    private final class Ticket<T> {
        private static final int WAITING = 0;
        private static final int RUNNING = 1;
        private static final int ENDED = 2;

        private final Supplier<Uni<T>> work;
        private final UniEmitter<? super T> emitter;
        private final AtomicInteger state = new AtomicInteger(WAITING);
        private volatile Cancellable running;

        private Ticket(Supplier<Uni<T>> work, UniEmitter<? super T> emitter) {
            this.work = work;
            this.emitter = emitter;
        }

        /** Called holding a permit. */
        private void start() {
            if (!state.compareAndSet(WAITING, RUNNING)) {
                release(); // cancelled while the permit was on its way: pass it on
                return;
            }
            // The subscription belongs to this Uni's subscriber: its end or cancellation ends it (see end()).
            Cancellable subscription = Uni.createFrom().deferred(work::get)
                    .subscribe().with(emitter::complete, emitter::fail);
            running = subscription;
            if (state.get() == ENDED) {
                subscription.cancel();
            }
        }

        /** The emitter terminated: the work answered or failed, or the subscriber cancelled. */
        private void end() {
            int previous = state.getAndSet(ENDED);
            if (previous == WAITING) {
                leaveQueue(this); // if release() already took it, start() sees ENDED and passes the permit on
            } else if (previous == RUNNING) {
                Cancellable subscription = running;
                if (subscription != null) {
                    subscription.cancel();
                }
                release();
            }
        }
    }
}
