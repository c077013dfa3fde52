package dev.fanout.sync;

/** What became of one user id of a batch: synced, or failed with a reason (and so to be retried). */
public record ItemOutcome(long userId, String failure) {

    /** The reasons sync gives in its own words; an upstream's failure, or directory's answer, gives its own. */
    enum Reason {
        NOT_STARTED("not started before the batch deadline"),
        EARLIER_IN_GROUP_FAILED("not started: an earlier message of its group failed"),
        EMAIL_TAKEN("email already belongs to another user"),
        NOT_STORED_IN_TIME("not stored in time"),
        NOT_STORED("could not be stored"),
        IDENTITY_NOT_ADVANCED("stored, but the user id sequence could not be moved past it"),
        UNEXPECTED("failed unexpectedly; see the function's log");

        final String text;

        Reason(String text) {
            this.text = text;
        }
    }

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
