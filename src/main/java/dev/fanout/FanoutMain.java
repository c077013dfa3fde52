package dev.fanout;

import java.util.function.BiConsumer;

import dev.fanout.http.DrainingFilter;
import dev.fanout.errors.Causes;
import dev.fanout.internals.TermSignal;
import io.quarkus.runtime.ApplicationLifecycleManager;
import io.quarkus.runtime.LaunchMode;
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
            + "QUARKUS_DATASOURCE_PASSWORD (on AWS, FANOUT_DB_AUTH=iam or secret instead of a password); "
            + "only to migrate, also QUARKUS_DATASOURCE_JDBC_URL (jdbc:postgresql://host:5432/db).";

    public static void main(String... args) {
        BiConsumer<Integer, Throwable> quarkusExit = ApplicationLifecycleManager.getDefaultExitCodeHandler();
        Quarkus.run(FanoutMain.class, (code, failure) -> exit(code, failure, quarkusExit), args);
    }

    private final DrainingFilter draining;

    public FanoutMain(DrainingFilter draining) {
        this.draining = draining;
    }

    @Override
    public int run(String... args) {
        if (LaunchMode.current() == LaunchMode.NORMAL) {
            exitCleanlyOnSigterm();
        }
        Quarkus.waitForExit();
        return 0;
    }

    /**
     * SIGTERM is how Lambda, a container runtime or a shell asks the process to stop. Left
     * to the JVM, Quarkus stops from a shutdown hook and the process ends with 143 (killed
     * by a signal); handled here, it is the application's ordinary graceful exit: the same
     * shutdown (in-flight requests finish, new ones are refused, shutdown is logged), and 0.
     * Handling the signal here also means the JVM's shutdown hooks run only after Quarkus
     * has stopped, so the refusing of new requests is switched on here, first.
     *
     * <p>Only in a production launch. In dev mode {@code Quarkus.asyncExit} stops the
     * application but not the JVM, which dev mode keeps for the next reload: with this handler
     * a SIGTERM (an IDE's stop button, {@code kill} on the process group) left the process
     * alive and its port answering 503. Left to the JVM there, SIGTERM ends it at once, like
     * Ctrl+C.
     */
    private void exitCleanlyOnSigterm() {
        TermSignal.handle(() -> {
            draining.drain();
            Quarkus.asyncExit(0);
        });
    }

    /**
     * With an exit handler of its own, Quarkus leaves a failed start unreported: without the
     * lines below, a launch that cannot start would exit 1 with nothing in the log to say why.
     */
    private static void exit(int code, Throwable failure, BiConsumer<Integer, Throwable> quarkusExit) {
        // Logging may be gone by now; standard error reaches CloudWatch.
        if (isMissingDatasource(failure)) {
            System.err.println(MISSING_DATABASE);
        } else if (failure != null) {
            Throwable root = Causes.root(failure);
            System.err.println("ERROR fanout: could not start: " + failure + (root == failure ? "" : "; caused by " + root));
        }
        quarkusExit.accept(code, failure);
    }

    /** Quarkus deactivates a datasource without a URL, and fails the start when something needs it. */
    static boolean isMissingDatasource(Throwable failure) {
        return Causes.any(failure, cause -> cause.getMessage() != null
                && cause.getMessage().contains("deactivated automatically because its URL is not set"));
    }
}
