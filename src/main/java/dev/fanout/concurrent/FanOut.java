package dev.fanout.concurrent;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.CompositeException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.UniEmitter;

/**
 * Structured concurrency for independent parts of one answer, in the manner of
 * asyncio's TaskGroup:
 * <ul>
 * <li>every part is subscribed at once when {@link #join()} is subscribed, so the
 * latency is the slowest part's, not the sum;</li>
 * <li>a failing <em>required</em> part fails the whole at once and cancels its
 * siblings, which aborts their HTTP requests;</li>
 * <li>an <em>optional</em> part that fails becomes {@code null} and is named in
 * {@link Joined#degraded()};</li>
 * <li>the deadline is <em>one</em> timer for the whole. When it fires, every part still
 * pending is cancelled, and then: if a required part was among them the whole fails with
 * a {@link DeadlineExceededException} naming it; if only optional parts were, they are
 * degraded and the whole answers. One timer and one lock decide, so no race between a
 * part's timer and the whole's can turn "degraded" into "failed";</li>
 * <li>all failures are gathered and logged together, like an ExceptionGroup.</li>
 * </ul>
 * Cancellation is never turned into an item: only failures are recovered, and
 * cancelling {@code join()} cancels every part.
 *
 * <pre>{@code
 * var fanOut  = FanOut.named("profile").within(deadline);
 * var user    = fanOut.required("user", users.find(id));
 * var orders  = fanOut.optional("orders", orders.recentOf(id, deadline));
 * return fanOut.join().map(parts -> new Page(parts.get(user), parts.get(orders), parts.degraded()));
 * }</pre>
 */
public final class FanOut {

    private static final Logger LOG = Logger.getLogger(FanOut.class);

    private final String name;
    private final Deadline deadline;
    private final List<Part<?>> parts = new ArrayList<>();

    private FanOut(String name, Deadline deadline) {
        this.name = name;
        this.deadline = deadline;
    }

    public static Builder named(String name) {
        return deadline -> new FanOut(name, deadline);
    }

    @FunctionalInterface
    public interface Builder {
        FanOut within(Deadline deadline);
    }

    public <T> Part<T> required(String partName, Uni<T> work) {
        return add(new Part<>(partName, true, work));
    }

    public <T> Part<T> optional(String partName, Uni<T> work) {
        return add(new Part<>(partName, false, work));
    }

    /** Runs every part at once; see the class comment for what fails, degrades and cancels. */
    public Uni<Joined> join() {
        return Uni.createFrom().emitter(emitter -> new Run(List.copyOf(parts), emitter).start());
    }

    /**
     * One subscription of the fan-out: which parts are still pending, and who settles the
     * whole. Every transition happens under this object's lock; cancelling and emitting
     * happen outside it.
     */
    private final class Run {
        private final List<Part<?>> parts;
        private final UniEmitter<? super Joined> emitter;
        private final Object[] values;
        private final boolean[] settled; // guarded by this
        private final boolean[] degraded; // guarded by this
        private final Cancellable[] subscriptions; // guarded by this
        private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        private int pending; // guarded by this
        private boolean ended; // guarded by this
        private Future<?> timer; // guarded by this

        private Run(List<Part<?>> parts, UniEmitter<? super Joined> emitter) {
            this.parts = parts;
            this.emitter = emitter;
            this.values = new Object[parts.size()];
            this.settled = new boolean[parts.size()];
            this.degraded = new boolean[parts.size()];
            this.subscriptions = new Cancellable[parts.size()];
            this.pending = parts.size();
        }

        void start() {
            emitter.onTermination(this::cancelPending);
            if (deadline.isExpired() || parts.isEmpty()) {
                expire(); // no work starts once the time is up
                return;
            }
            for (int i = 0; i < parts.size() && !hasEnded(); i++) {
                subscribe(i);
            }
            // Scheduled after the parts are subscribed, so a part that answers at once always
            // counts; the instant is the deadline's own, whenever this line runs.
            synchronized (this) {
                if (!ended) {
                    timer = Infrastructure.getDefaultWorkerPool().schedule(this::expire, timerDelayMillis(),
                            TimeUnit.MILLISECONDS);
                }
            }
        }

        /** What the deadline leaves, rounded up to the millisecond: Vert.x timers take no less than 1 ms. */
        private long timerDelayMillis() {
            long nanos = deadline.remaining().toNanos();
            return Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + TimeUnit.MILLISECONDS.toNanos(1) - 1));
        }

        private void subscribe(int index) {
            Cancellable subscription = parts.get(index).work.subscribe()
                    .with(value -> answered(index, value), failure -> failed(index, failure));
            boolean lateCancel;
            synchronized (this) {
                subscriptions[index] = subscription;
                lateCancel = ended && !settled[index];
            }
            if (lateCancel) {
                subscription.cancel(); // the whole ended while this part was being subscribed
            }
        }

        private void answered(int index, Object value) {
            Joined joined;
            synchronized (this) {
                if (ended || settled[index]) {
                    return;
                }
                values[index] = value;
                settle(index);
                joined = pending == 0 ? end() : null;
            }
            if (joined != null) {
                complete(joined);
            }
        }

        private void failed(int index, Throwable failure) {
            failures.add(failure);
            Part<?> part = parts.get(index);
            Joined joined = null;
            synchronized (this) {
                if (ended || settled[index]) {
                    return;
                }
                if (part.required) {
                    end();
                } else {
                    degraded[index] = true;
                    settle(index);
                    joined = pending == 0 ? end() : null;
                }
            }
            if (part.required) {
                fail(failure);
            } else if (joined != null) {
                complete(joined);
            }
        }

        /** The deadline passed: degrade what is optional, fail if anything required is missing. */
        private void expire() {
            List<String> missing = new ArrayList<>();
            Joined joined = null;
            synchronized (this) {
                if (ended) {
                    return;
                }
                for (int i = 0; i < parts.size(); i++) {
                    if (!settled[i] && parts.get(i).required) {
                        missing.add(parts.get(i).name);
                    }
                }
                if (missing.isEmpty()) {
                    for (int i = 0; i < parts.size(); i++) {
                        if (!settled[i]) {
                            failures.add(new DeadlineExceededException(parts.get(i).name));
                            degraded[i] = true;
                        }
                    }
                    joined = end();
                } else {
                    end();
                }
            }
            if (joined != null) {
                cancelPending();
                complete(joined);
            } else {
                fail(new DeadlineExceededException(String.join(" and ", missing)));
            }
        }

        private void settle(int index) {
            settled[index] = true;
            pending--;
        }

        /** Marks the whole as ended; answers what it holds, for the caller to emit if it answers. */
        private Joined end() {
            ended = true;
            if (timer != null) {
                timer.cancel(false);
            }
            Map<Part<?>, Object> byPart = new IdentityHashMap<>();
            List<String> degradedNames = new ArrayList<>();
            for (int i = 0; i < parts.size(); i++) {
                byPart.put(parts.get(i), degraded[i] ? null : values[i]);
                if (degraded[i]) {
                    degradedNames.add(parts.get(i).name);
                }
            }
            return new Joined(byPart, Collections.unmodifiableList(degradedNames));
        }

        private synchronized boolean hasEnded() {
            return ended;
        }

        /** Cancels every part not yet settled (on a failure, the deadline, or the subscriber's cancellation). */
        private void cancelPending() {
            List<Cancellable> toCancel = new ArrayList<>();
            synchronized (this) {
                ended = true;
                if (timer != null) {
                    timer.cancel(false);
                }
                for (int i = 0; i < parts.size(); i++) {
                    if (!settled[i] && subscriptions[i] != null) {
                        toCancel.add(subscriptions[i]);
                        settled[i] = true;
                    }
                }
            }
            toCancel.forEach(Cancellable::cancel);
        }

        private void fail(Throwable failure) {
            cancelPending();
            List<Throwable> all = new ArrayList<>(failures);
            if (!all.contains(failure)) {
                all.add(0, failure);
            }
            LOG.debugf(new CompositeException(all), "%s failed: %s", name, failure.getMessage());
            emitter.fail(failure);
        }

        private void complete(Joined joined) {
            if (!joined.degraded().isEmpty()) {
                LOG.debugf(new CompositeException(List.copyOf(failures)), "%s degraded: %s", name, joined.degraded());
            }
            emitter.complete(joined);
        }
    }

    /** A typed handle on one part's result. */
    public static final class Part<T> {
        private final String name;
        private final boolean required;
        private final Uni<T> work;

        private Part(String name, boolean required, Uni<T> work) {
            this.name = name;
            this.required = required;
            this.work = work;
        }

        public String name() {
            return name;
        }
    }

    /** The parts' results: a value, or null for a degraded optional part. */
    public static final class Joined {
        private final Map<Part<?>, Object> values;
        private final List<String> degraded;

        private Joined(Map<Part<?>, Object> values, List<String> degraded) {
            this.values = values;
            this.degraded = degraded;
        }

        @SuppressWarnings("unchecked")
        public <T> T get(Part<T> part) {
            if (!values.containsKey(part)) {
                throw new IllegalArgumentException(part.name + " is not a part of this fan-out");
            }
            return (T) values.get(part);
        }

        public List<String> degraded() {
            return degraded;
        }
    }

    private <T> Part<T> add(Part<T> part) {
        parts.add(part);
        return part;
    }
}
