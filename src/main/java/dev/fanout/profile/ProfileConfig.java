package dev.fanout.profile;

import java.time.Duration;

import dev.fanout.upstream.UpstreamSettings;
import io.smallrye.config.ConfigMapping;

/**
 * Time bounds of the profile's parts. Each is a ceiling: a part gets its own
 * timeout or what is left of the request's deadline, whichever is shorter.
 * The upstream clients' read timeout ({@code fanout.upstream.read-timeout}) is
 * only a safety net behind these.
 */
@ConfigMapping(prefix = "fanout.profile")
public interface ProfileConfig {

    /** The user's row from PostgreSQL. */
    Part user();

    Upstream billing();

    Orders orders();

    Upstream recommendations();

    interface Part {
        Duration timeout();
    }

    interface Upstream extends Part, UpstreamSettings {
    }

    interface Orders extends Upstream {
        /** How many recent orders a profile shows. */
        int limit();
    }
}
