package dev.fanout.upstream;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.WithDefault;

/**
 * What a feature configures for each upstream it calls; its {@code @ConfigMapping} groups
 * extend this, so the keys sit beside the feature's other settings
 * ({@code fanout.profile.billing.url}, {@code fanout.profile.billing.timeout}).
 */
public interface UpstreamSettings {

    /**
     * The upstream's base URL ({@code http://billing.internal:8080/v1}); its paths go below it.
     * Unset, every call fails as the upstream's failure ({@code has no URL configured}).
     */
    Optional<URI> url();

    /** The call's own ceiling; it gets this or what is left of the request's deadline, whichever is shorter. */
    Duration timeout();

    /**
     * Whether the request carries {@code Request-Timeout: <ms>}, the time this call still
     * has (less {@code fanout.upstream.deadline-margin}), so that an upstream which honours
     * it gives up when we would stop waiting anyway.
     */
    @WithDefault("true")
    boolean propagateDeadline();

    /** Hedged calls, for an idempotent upstream whose answer is optional; off unless turned on. */
    Hedging hedge();

    interface Hedging {

        /** Whether a call that has not answered after the upstream's recent p95 sends a second request. */
        @WithDefault("false")
        boolean enabled();

        /** At most this share of extra requests (0.05: 5 %). */
        @WithDefault("0.05")
        double budget();

        /** Never hedged sooner than this, however fast the upstream has been. */
        @WithDefault("PT0.002S")
        Duration minDelay();
    }
}
