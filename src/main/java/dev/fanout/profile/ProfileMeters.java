package dev.fanout.profile;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.MeterRegistry;

/** The profile's own meter: how often each optional part was left out of an answer. */
@Singleton
public class ProfileMeters {

    /** Answers that left a part out (null, and named in {@code degraded}), by part. */
    public static final String DEGRADED = "fanout.profile.degraded";

    private final MeterRegistry meters;

    public ProfileMeters(MeterRegistry meters) {
        this.meters = meters;
    }

    void degraded(String part) {
        meters.counter(DEGRADED, "part", part).increment();
    }
}
