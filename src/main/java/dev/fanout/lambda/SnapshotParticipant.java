package dev.fanout.lambda;

/**
 * Something that must be put right around a snapshot of the process (Lambda SnapStart,
 * or a CRaC checkpoint): what holds a socket closes it before, what holds a credential or
 * a random seed that restored copies must not share renews it after. Called by
 * {@link SnapStartHooks}, off the event loop, one participant after another; blocking
 * (with a bound) is allowed. A failure fails the hook, so that a copy that could not be
 * prepared is never served from.
 */
public interface SnapshotParticipant {

    /** For the log. */
    String name();

    default void beforeCheckpoint() throws Exception {
    }

    default void afterRestore() throws Exception {
    }
}
