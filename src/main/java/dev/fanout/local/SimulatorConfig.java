package dev.fanout.local;

import java.time.Duration;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The dev-mode upstream simulators ({@link UpstreamSimulators}): whether they answer
 * at all, and how each upstream behaves, so that a developer can turn one slow or
 * broken in {@code quarkus:dev} and watch the functions degrade.
 *
 * <p>Each upstream has its own group only because their latencies differ by default
 * (a recommendation engine is slower than a directory lookup); the knobs are the same.
 */
@ConfigMapping(prefix = "fanout.simulators")
public interface SimulatorConfig {

    /**
     * Whether the simulators' routes exist. Off unless a profile turns it on (dev
     * does); even then never in a production launch, whatever this says.
     */
    @WithDefault("false")
    boolean enabled();

    Billing billing();

    Orders orders();

    Recommendations recommendations();

    Directory directory();

    /** How one simulated upstream behaves: how fast, and how and how often it fails. */
    interface UpstreamBehaviour {

        /** The least time before an answer. */
        Duration latency();

        /** A random extra delay from zero to this, added per request, so that answers do not arrive in lockstep. */
        @WithDefault("20ms")
        Duration jitter();

        /** The share of requests, from 0 to 1, that fail in the {@link #failureMode()}; outside that range start-up fails. */
        @WithDefault("0")
        @DecimalMin("0")
        @DecimalMax("1")
        double failureRate();

        /** How a failing request fails. */
        @WithDefault("error")
        FailureMode failureMode();
    }

    interface Billing extends UpstreamBehaviour {
        @Override
        @WithDefault("40ms")
        Duration latency();
    }

    interface Orders extends UpstreamBehaviour {
        @Override
        @WithDefault("60ms")
        Duration latency();
    }

    interface Recommendations extends UpstreamBehaviour {
        @Override
        @WithDefault("80ms")
        Duration latency();
    }

    interface Directory extends UpstreamBehaviour {
        @Override
        @WithDefault("30ms")
        Duration latency();
    }

    /** The ways an upstream fails in production, and so here. */
    enum FailureMode {
        /** A 500 with a problem+json body. */
        ERROR,
        /** Accepts the request and never answers: only the caller's timeout ends it. */
        HANG,
        /** A 200 whose JSON body is cut off halfway. */
        MALFORMED,
        /** Resets the TCP connection without an answer. */
        RESET,
        /** The right answer, after ten times the latency. */
        SLOW
    }
}
