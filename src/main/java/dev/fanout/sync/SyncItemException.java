package dev.fanout.sync;

/**
 * Why one item of a batch failed, in words fit for the answer: the message is the
 * item's {@code reason}, so it names what went wrong and never an internal detail.
 */
public class SyncItemException extends RuntimeException {

    public SyncItemException(String reason) {
        super(reason, null, false, false);
    }

    public SyncItemException(String reason, Throwable cause) {
        super(reason, cause, false, false);
    }
}
