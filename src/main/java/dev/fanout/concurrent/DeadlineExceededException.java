package dev.fanout.concurrent;

/**
 * Work ran out of time: the deadline passed before it answered. The toolkit says only
 * what ran out of time; what that means to a caller (an HTTP 504, an item left to retry)
 * is decided where the failure is answered.
 */
public class DeadlineExceededException extends RuntimeException {

    private final String work;

    public DeadlineExceededException(String work) {
        super(work + " did not complete within the request's deadline", null, false, false);
        this.work = work;
    }

    /** What ran out of time, in words ("user and billing", "the user's read"). */
    public String work() {
        return work;
    }
}
