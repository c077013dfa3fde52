package dev.fanout.local;

import java.time.Duration;
import java.util.Optional;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The dev-mode upstream simulators ({@link UpstreamSimulators}, which mount the
 * {@link UpstreamStandIn}): whether they answer at all, and how each upstream behaves at
 * start, so that a developer can turn one slow or broken in {@code quarkus:dev} and watch
 * the functions degrade.
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
        UpstreamStandIn.Mode failureMode();

        /** A heavy tail, {@code <fraction>:<delay>} (such as {@code 0.05:1s}): that share of requests waits that long instead. */
        Optional<Tail> tail();

        /** For the {@code slow} failure mode: the pause between two bytes of the body. */
        @WithDefault("100ms")
        Duration drip();
    }

    /** A share of requests, from 0 to 1, and the delay they wait. */
    record Tail(double fraction, Duration delay) {

        /** Parses {@code <fraction>:<delay>}, the delay as Quarkus writes durations ({@code 1s}, {@code 800ms}). */
        public static Tail valueOf(String value) {
            String[] parts = value.split(":", 2);
            if (parts.length != 2) {
                throw new IllegalArgumentException("a tail is <fraction>:<delay>, such as 0.05:1s, not " + value);
            }
            return new Tail(Double.parseDouble(parts[0].strip()),
                    DurationConverter.parseDuration(parts[1].strip()));
        }
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
}
