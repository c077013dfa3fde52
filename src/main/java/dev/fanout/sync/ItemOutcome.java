package dev.fanout.sync;

/** What became of one user id of a batch: synced, or failed with a reason (and so to be retried). */
public record ItemOutcome(long userId, String failure) {

    public static ItemOutcome synced(long userId) {
        return new ItemOutcome(userId, null);
    }

    public static ItemOutcome failed(long userId, String reason) {
        return new ItemOutcome(userId, reason);
    }

    public boolean succeeded() {
        return failure == null;
    }
}
