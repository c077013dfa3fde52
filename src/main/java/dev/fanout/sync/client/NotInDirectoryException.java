package dev.fanout.sync.client;

/** directory answered 404 for the id: nothing to sync, and the item fails so that someone looks. */
public class NotInDirectoryException extends RuntimeException {

    public NotInDirectoryException() {
        super("not in directory", null, false, false);
    }
}
