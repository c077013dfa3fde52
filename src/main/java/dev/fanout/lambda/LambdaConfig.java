package dev.fanout.lambda;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;

/** The function's init phase on Lambda: what it warms up, and how long readiness waits for that. */
@ConfigMapping(prefix = "fanout.lambda")
public interface LambdaConfig {

    WarmUp warmUp();

    interface WarmUp {

        /** Whether the {@link dev.fanout.lambda.WarmUp}s run at start. */
        boolean enabled();

        /**
         * The longest the startup check ({@code /q/health/started}, the adapter's readiness
         * path) waits for the warm-ups. Past it the app is ready anyway and they go on in
         * the background: a slow or absent database must not hold the init phase.
         */
        Duration timeout();
    }
}
