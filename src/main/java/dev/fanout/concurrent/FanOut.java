package dev.fanout.concurrent;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.CompositeException;
import io.smallrye.mutiny.Uni;

/**
 * Structured concurrency for independent parts of one answer, in the manner of
 * asyncio's TaskGroup:
 * <ul>
 * <li>every part is subscribed at once when {@link #join()} is subscribed, so the
 * latency is the slowest part's, not the sum;</li>
 * <li>a failing <em>required</em> part fails the whole at once and cancels its
 * siblings (Mutiny's {@code combine().all()} is fail-fast and cancels the other
 * subscriptions, which aborts their HTTP requests and closes their sessions);</li>
 * <li>an <em>optional</em> part that fails or outlives the deadline becomes
 * {@code null} and is named in {@link Joined#degraded()};</li>
 * <li>the deadline bounds the whole; on expiry everything still running is
 * cancelled and the failure is a {@link DeadlineExceededException};</li>
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
        return Uni.createFrom().deferred(this::runAll);
    }

    private Uni<Joined> runAll() {
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Uni<Settled>> settled = parts.stream().map(part -> settle(part, failures)).toList();
        Uni<Joined> all = Uni.combine().all().unis(settled).with(Settled.class, FanOut::joined);
        return deadline.bound(all, () -> new DeadlineExceededException(name))
                .onFailure().invoke(failure -> logGathered(failure, failures))
                .onItem().invoke(joined -> logDegraded(joined, failures));
    }

    private <T> Uni<Settled> settle(Part<T> part, ConcurrentLinkedQueue<Throwable> failures) {
        if (part.required) {
            return part.work
                    .onFailure().invoke(failures::add)
                    .map(value -> new Settled(part, value, false));
        }
        return deadline.bound(part.work, () -> new DeadlineExceededException(part.name))
                .map(value -> new Settled(part, value, false))
                .onFailure().invoke(failures::add)
                .onFailure().recoverWithItem(failure -> new Settled(part, null, true));
    }

    private static Joined joined(List<Settled> settled) {
        Map<Part<?>, Object> values = new IdentityHashMap<>();
        List<String> degraded = new ArrayList<>();
        for (Settled each : settled) {
            values.put(each.part, each.value);
            if (each.degraded) {
                degraded.add(each.part.name);
            }
        }
        return new Joined(values, Collections.unmodifiableList(degraded));
    }

    private void logGathered(Throwable failure, ConcurrentLinkedQueue<Throwable> failures) {
        List<Throwable> all = new ArrayList<>(failures);
        if (!all.contains(failure)) {
            all.add(0, failure);
        }
        LOG.debugf(new CompositeException(all), "%s failed: %s", name, failure.getMessage());
    }

    private void logDegraded(Joined joined, ConcurrentLinkedQueue<Throwable> failures) {
        if (!joined.degraded().isEmpty()) {
            LOG.debugf(new CompositeException(List.copyOf(failures)), "%s degraded: %s", name, joined.degraded());
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

    private record Settled(Part<?> part, Object value, boolean degraded) {
    }

    private <T> Part<T> add(Part<T> part) {
        parts.add(part);
        return part;
    }
}
