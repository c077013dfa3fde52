package dev.fanout.errors;

import java.util.Optional;
import java.util.function.Predicate;

/**
 * Walks a failure's cause chain. Libraries wrap what really happened (a reset socket,
 * a PostgreSQL error) in their own exceptions, so every classification of a failure
 * looks down the chain; bounded, because a chain can be a cycle.
 */
public final class Causes {

    private static final int MAX_DEPTH = 16;

    private Causes() {
    }

    /** The failure itself or the first of its causes that matches. */
    public static Optional<Throwable> first(Throwable failure, Predicate<Throwable> test) {
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < MAX_DEPTH; depth++, cause = cause.getCause()) {
            if (test.test(cause)) {
                return Optional.of(cause);
            }
        }
        return Optional.empty();
    }

    public static boolean any(Throwable failure, Predicate<Throwable> test) {
        return first(failure, test).isPresent();
    }

    public static boolean any(Throwable failure, Class<? extends Throwable> type) {
        return any(failure, type::isInstance);
    }

    /** The deepest cause (within the bound): what really happened underneath. */
    public static Throwable root(Throwable failure) {
        Throwable root = failure;
        for (int depth = 0; depth < MAX_DEPTH && root.getCause() != null && root.getCause() != root; depth++) {
            root = root.getCause();
        }
        return root;
    }
}
