package dev.fanout.sync;

import dev.fanout.problem.ProblemException;

/** A {@code POST /sync} batch over the configured maximum: refused whole, before any item runs. */
public class SyncBatchTooLargeException extends ProblemException {

    public SyncBatchTooLargeException(int size, int max) {
        super(413, "sync-batch-too-large", "Batch too large",
                "A sync batch takes at most " + max + " user ids; this one has " + size);
    }
}
