package dev.fanout;

import java.util.function.BiConsumer;

import io.quarkus.runtime.ApplicationLifecycleManager;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The entry point of every function. When a launch fails because no datasource
 * URL is set, it says which environment variables to set, in place of the
 * datasource internals that Quarkus reports. It reacts to the failure rather than
 * checking beforehand: before Quarkus runs, a dev-mode launch cannot yet tell
 * itself from production, and dev mode supplies an embedded database.
 */
@QuarkusMain
public class FanoutMain implements QuarkusApplication {

    static final String MISSING_DATABASE = "ERROR fanout: the database is not configured: set "
            + "QUARKUS_DATASOURCE_REACTIVE_URL (postgresql://host:5432/db), QUARKUS_DATASOURCE_USERNAME and "
            + "QUARKUS_DATASOURCE_PASSWORD; to migrate, also QUARKUS_DATASOURCE_JDBC_URL (jdbc:postgresql://host:5432/db).";

    public static void main(String... args) {
        BiConsumer<Integer, Throwable> quarkusExit = ApplicationLifecycleManager.getDefaultExitCodeHandler();
        Quarkus.run(FanoutMain.class, (code, failure) -> exit(code, failure, quarkusExit), args);
    }

    @Override
    public int run(String... args) {
        Quarkus.waitForExit();
        return 0;
    }

    private static void exit(int code, Throwable failure, BiConsumer<Integer, Throwable> quarkusExit) {
        if (isMissingDatasource(failure)) {
            System.err.println(MISSING_DATABASE); // logging may be gone by now; standard error reaches CloudWatch
        }
        quarkusExit.accept(code, failure);
    }

    /** Quarkus deactivates a datasource without a URL, and fails the start when something needs it. */
    static boolean isMissingDatasource(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String message = cause.getMessage();
            if (message != null && message.contains("deactivated automatically because its URL is not set")) {
                return true;
            }
        }
        return false;
    }
}
