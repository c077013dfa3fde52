package dev.fanout.profile;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;

/**
 * Time bounds of the profile's parts. Each is a ceiling: a part gets its own
 * timeout or what is left of the request's deadline, whichever is shorter.
 * The REST clients' read timeout ({@code quarkus.rest-client.read-timeout}) is
 * only a safety net behind these.
 */
@ConfigMapping(prefix = "fanout.profile")
public interface ProfileConfig {

    /** The user's row from PostgreSQL. */
    Part user();

    Part billing();

    Orders orders();

    Part recommendations();

    interface Part {
        Duration timeout();
    }

    interface Orders extends Part {
        /** How many recent orders a profile shows. */
        int limit();
    }
}
