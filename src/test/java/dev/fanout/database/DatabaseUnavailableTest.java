package dev.fanout.database;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.pgclient.PgException;

class DatabaseUnavailableTest {

    @Test
    void aDatabaseThatIsStartingUpIsUnavailableNotABug() {
        // what every new connection met in the moments after PostgreSQL restarted (fault 1 of bench/faults.sh)
        var startingUp = new PgException("the database system is starting up", "FATAL", "57P03", null);
        var shuttingDown = new PgException("terminating connection due to administrator command", "FATAL", "57P01", null);
        var tooMany = new PgException("sorry, too many clients already", "FATAL", "53300", null);

        assertThat(DatabaseUnavailable.isCause(new RuntimeException("wrapped", startingUp))).isTrue();
        assertThat(DatabaseUnavailable.isCause(shuttingDown)).isTrue();
        assertThat(DatabaseUnavailable.isCause(tooMany)).isTrue();
        assertThat(DatabaseUnavailable.isSaturation(startingUp)).isFalse();
    }

    @Test
    void aQueryOnAConnectionTheServerClosedIsUnavailability() {
        // Hibernate Reactive's answer for a query on a connection PostgreSQL closed as it stopped
        var closed = new RuntimeException(new NoStackTraceThrowable("Connection is not active now, current status: CLOSED"));

        assertThat(DatabaseUnavailable.isCause(closed)).isTrue();
        assertThat(DatabaseUnavailable.isCause(new NoStackTraceThrowable("something else"))).isFalse();
    }

    @Test
    void aConnectionResetUnderAQueryIsUnavailability() {
        // Hibernate Reactive's answer when PostgreSQL dies under a running query (fault 1 of bench/faults.sh)
        var reset = new RuntimeException(new java.net.SocketException("Connection reset"));

        assertThat(DatabaseUnavailable.isCause(reset)).isTrue();
        assertThat(DatabaseUnavailable.isCause(new java.net.ConnectException("Connection refused"))).isTrue();
    }

    @Test
    void aQueryErrorIsNotUnavailability() {
        var duplicate = new PgException("duplicate key value", "ERROR", "23505", null);
        var badInput = new PgException("invalid byte sequence", "ERROR", "22021", null);

        assertThat(DatabaseUnavailable.isCause(duplicate)).isFalse();
        assertThat(DatabaseUnavailable.isCause(badInput)).isFalse();
    }
}
