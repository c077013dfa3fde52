package dev.fanout.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.Test;

class VertxPoolTimerRaceFilterTest {

    private final VertxPoolTimerRaceFilter filter = new VertxPoolTimerRaceFilter();

    @Test
    void dropsOnlyThePoolTimerRace() {
        assertThat(filter.isLoggable(recordOf(thrownFrom(VertxPoolTimerRaceFilter.POOL_CLASS, VertxPoolTimerRaceFilter.MESSAGE))))
                .isFalse();
    }

    @Test
    void keepsTheSameFailureFromAnywhereElse() {
        assertThat(filter.isLoggable(recordOf(thrownFrom("dev.fanout.sync.SyncProcessor", VertxPoolTimerRaceFilter.MESSAGE))))
                .isTrue();
    }

    @Test
    void keepsOtherFailuresOfThePool() {
        assertThat(filter.isLoggable(recordOf(thrownFrom(VertxPoolTimerRaceFilter.POOL_CLASS, "Connection is closed"))))
                .isTrue();
        assertThat(filter.isLoggable(recordOf(new RuntimeException(VertxPoolTimerRaceFilter.MESSAGE)))).isTrue();
    }

    @Test
    void thePoolClassItLooksForStillExists() {
        // An internal class of vertx-sql-client, named only as a string: after an upgrade that
        // renames it, the filter would silently stop dropping the race's stack traces.
        assertThat(VertxPoolTimerRaceFilter.class.getClassLoader()
                .getResource(VertxPoolTimerRaceFilter.POOL_CLASS.replace('.', '/') + ".class")).isNotNull();
    }

    @Test
    void keepsRecordsWithoutAThrowable() {
        assertThat(filter.isLoggable(new LogRecord(Level.SEVERE, "Uncaught exception received by Vert.x"))).isTrue();
    }

    private static IllegalStateException thrownFrom(String className, String message) {
        IllegalStateException thrown = new IllegalStateException(message);
        thrown.setStackTrace(new StackTraceElement[] {
                new StackTraceElement("io.vertx.core.Promise", "fail", "Promise.java", 90),
                new StackTraceElement(className, "lambda$execute$3", "Source.java", 216) });
        return thrown;
    }

    private static LogRecord recordOf(Throwable thrown) {
        LogRecord record = new LogRecord(Level.SEVERE, "Uncaught exception received by Vert.x");
        record.setThrown(thrown);
        return record;
    }
}
