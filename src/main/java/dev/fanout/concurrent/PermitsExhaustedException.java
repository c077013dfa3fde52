package dev.fanout.concurrent;

/** Every permit is held and the line of waiters is full: refused at once, not queued. */
public class PermitsExhaustedException extends RuntimeException {

    public PermitsExhaustedException(int permits, int maxWaiting) {
        super("all " + permits + " permits are held and " + maxWaiting + " callers already wait", null, false, false);
    }
}
