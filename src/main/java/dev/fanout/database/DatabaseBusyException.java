package dev.fanout.database;

/** Every pooled connection is busy and the line of waiters is full: refused at once (a 503). */
public class DatabaseBusyException extends RuntimeException {

    public DatabaseBusyException(Throwable cause) {
        super("every database connection is busy and the line of waiters is full", cause, false, false);
    }
}
