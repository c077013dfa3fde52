package dev.fanout.lambda;

import io.smallrye.mutiny.Uni;

/**
 * Work a feature does once during a function's init, so that its first invocation does
 * not pay for it: a first query opens a pooled connection and loads the code that runs
 * it. A warm-up never gates readiness beyond {@code fanout.lambda.warm-up.timeout}, and
 * its failure is not the app's: a database that is away during init only means the first
 * request opens the connection itself (or answers 503).
 * <p>
 * It runs on a Vert.x duplicated context marked safe, as a request does, so Hibernate
 * Reactive sessions work in it. Under SnapStart it runs before the snapshot, which then
 * holds the loaded code (the connections are closed by {@link SnapStartHooks}).
 */
public interface WarmUp {

    /** For the log. */
    String name();

    Uni<?> warmUp();
}
