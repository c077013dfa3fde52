package dev.fanout.database;

/**
 * The database's credentials could not be read from Secrets Manager. It fails the
 * connection attempt that needed them (readiness then reports the database DOWN, and a
 * request answers 503 or 500), and says why in the log without the secret's value.
 */
public class DatabaseSecretException extends RuntimeException {

    public DatabaseSecretException(String message) {
        super(message);
    }

    public DatabaseSecretException(String message, Throwable cause) {
        super(message, cause);
    }
}
