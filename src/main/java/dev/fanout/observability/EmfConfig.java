package dev.fanout.observability;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** CloudWatch Embedded Metric Format output, used on Lambda in place of a scrape. */
@ConfigMapping(prefix = "fanout.metrics.emf")
public interface EmfConfig {

    /**
     * Whether meters leave as EMF lines on standard output, flushed as each
     * invocation's answer completes. Unset: on exactly when running on Lambda
     * ({@code AWS_LAMBDA_FUNCTION_NAME} is set).
     */
    Optional<Boolean> enabled();

    /** The CloudWatch namespace of every metric. */
    String namespace();

    /** The {@code function} dimension (FANOUT_FUNCTION, else Lambda's function name; see application.properties). */
    String function();

    /** Meter tags that never become dimensions (each dimension multiplies the metric's cost). */
    List<String> excludedTags();

    /** Only meters whose name starts with one of these are published. */
    List<String> meterPrefixes();
}
