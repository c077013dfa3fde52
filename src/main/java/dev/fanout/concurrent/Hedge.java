package dev.fanout.concurrent;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.UniEmitter;

/**
 * A hedged request, as in Dean and Barroso's "The Tail at Scale": when an attempt has not
 * answered after {@code delay}, and {@code mayHedge} allows it (a budget, the time left),
 * a second, identical attempt starts. The first answer wins and the other attempt is
 * cancelled. A failure waits for the other attempt, if there is one; the call fails only
 * when every attempt has failed, with the first failure. Only for idempotent work.
 */
public final class Hedge {

    /** What became of a call that reached its hedge delay. */
    public enum Outcome {
        /** The second attempt answered first. */
        WON,
        /** The second attempt was sent, and the first still answered first. */
        LOST,
        /** The delay passed, and the budget or the time left allowed no second attempt. */
        DENIED,
        /**
         * The second attempt was sent, and the call ended with no answer: both attempts failed,
         * or the caller cancelled (its deadline passed) while both were pending. Without it a
         * hedge sent into a hanging upstream would be counted nowhere.
         */
        UNANSWERED
    }

    private Hedge() {
    }

    public static <T> Uni<T> of(Supplier<Uni<T>> attempt, Duration delay, BooleanSupplier mayHedge, Consumer<Outcome> outcomes) {
        return Uni.createFrom().emitter(emitter -> new Run<>(attempt, mayHedge, outcomes, emitter).start(delay));
    }

    private static final class Run<T> {
        private final Supplier<Uni<T>> attempt;
        private final BooleanSupplier mayHedge;
        private final Consumer<Outcome> outcomes;
        private final UniEmitter<? super T> emitter;
        private final Cancellable[] attempts = new Cancellable[2]; // guarded by this
        private Future<?> timer; // guarded by this
        private int running; // guarded by this
        private boolean hedged; // guarded by this
        private boolean ended; // guarded by this
        private boolean answered; // guarded by this
        private Throwable firstFailure; // guarded by this

        private Run(Supplier<Uni<T>> attempt, BooleanSupplier mayHedge, Consumer<Outcome> outcomes,
                UniEmitter<? super T> emitter) {
            this.attempt = attempt;
            this.mayHedge = mayHedge;
            this.outcomes = outcomes;
            this.emitter = emitter;
        }

        void start(Duration delay) {
            emitter.onTermination(this::cancelAll);
            synchronized (this) {
                running = 1;
            }
            subscribe(0);
            synchronized (this) {
                if (!ended) {
                    timer = Infrastructure.getDefaultWorkerPool().schedule(this::hedge, Math.max(1, delay.toMillis()),
                            TimeUnit.MILLISECONDS);
                }
            }
        }

        private void subscribe(int index) {
            Cancellable subscription = attempt.get().subscribe().with(item -> answered(index, item), this::failed);
            boolean late;
            synchronized (this) {
                attempts[index] = subscription;
                late = ended;
            }
            if (late) {
                subscription.cancel();
            }
        }

        private void hedge() {
            synchronized (this) {
                if (ended || running == 0) {
                    return;
                }
            }
            if (!mayHedge.getAsBoolean()) {
                outcomes.accept(Outcome.DENIED);
                return;
            }
            synchronized (this) {
                if (ended) {
                    return;
                }
                hedged = true;
                running++;
            }
            subscribe(1);
        }

        private void answered(int index, T item) {
            Outcome outcome;
            synchronized (this) {
                if (ended) {
                    return;
                }
                ended = true;
                answered = true;
                outcome = !hedged ? null : index == 1 ? Outcome.WON : Outcome.LOST;
            }
            cancelAll(); // the other attempt's I/O is aborted
            if (outcome != null) {
                outcomes.accept(outcome);
            }
            emitter.complete(item);
        }

        private void failed(Throwable failure) {
            synchronized (this) {
                if (ended) {
                    return;
                }
                if (firstFailure == null) {
                    firstFailure = failure;
                }
                if (--running > 0) {
                    return; // the other attempt may still answer
                }
                ended = true;
            }
            cancelAll();
            emitter.fail(firstFailure);
        }

        /** Ends the run however it ends (answer, failure, cancellation): once per run it counts a hedge that got no answer. */
        private void cancelAll() {
            Cancellable[] toCancel;
            boolean hedgeUnanswered;
            synchronized (this) {
                ended = true;
                if (timer != null) {
                    timer.cancel(false);
                }
                toCancel = attempts.clone();
                hedgeUnanswered = hedged && !answered;
                answered = true; // counted once, whichever way the run ends
            }
            for (Cancellable each : toCancel) {
                if (each != null) {
                    each.cancel();
                }
            }
            if (hedgeUnanswered) {
                outcomes.accept(Outcome.UNANSWERED);
            }
        }
    }
}
