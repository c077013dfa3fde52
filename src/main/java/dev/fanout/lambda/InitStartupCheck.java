package dev.fanout.lambda;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

/** {@code /q/health/started}: UP once the {@link InitGate} has passed; no dependency is checked. */
@Startup
@Singleton
public class InitStartupCheck implements HealthCheck {

    static final String NAME = "fanout-init";

    private final InitGate gate;

    public InitStartupCheck(InitGate gate) {
        this.gate = gate;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named(NAME).status(gate.passed()).build();
    }
}
