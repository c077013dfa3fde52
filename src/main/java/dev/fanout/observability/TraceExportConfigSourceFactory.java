package dev.fanout.observability;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * Spans are exported only where an OTLP endpoint is configured
 * ({@code QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} or {@code QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT}).
 *
 * <p>Why a factory: Quarkus fixes the exporter, the sampler and the propagators at build time, and
 * its exporter falls back to {@code localhost:4317} when no endpoint is set, so the one artifact
 * would either never export or log an export error every few seconds wherever no collector
 * listens. The sampler's ratio is a runtime key: it is 0 (application.properties), and 1 here when
 * an endpoint is set. At 0 every span still exists with its ids (the logs' {@code traceId}, the
 * {@code traceparent} sent upstream) but none is recorded, so nothing is exported. The sampler is
 * parent-based, so a caller's sampling decision (API Gateway's or Lambda's X-Ray header) is kept.
 */
public class TraceExportConfigSourceFactory implements ConfigSourceFactory {

    static final String SAMPLER_RATIO = "quarkus.otel.traces.sampler.arg";
    /** Above application.properties (250), below the environment (300): an explicit ratio still wins. */
    private static final int ORDINAL = 275;
    /** META-INF/microprofile-config.properties; application.properties is 250, the environment 300. */
    private static final int LOWEST_ORDINAL_SET_BY_SOMEONE = 100;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        if (!isSet(context, "quarkus.otel.exporter.otlp.traces.endpoint") && !isSet(context, "quarkus.otel.exporter.otlp.endpoint")) {
            return List.of();
        }
        return List.of(new PropertiesConfigSource(Map.of(SAMPLER_RATIO, "1.0"), "fanout-trace-export", ORDINAL));
    }

    /**
     * Set by someone: the environment, a system property or application.properties. Quarkus's own
     * default for the endpoint ({@code http://localhost:4317/}) is also a value here, from a
     * defaults source far below those; it must not count, or every launch would export.
     */
    private static boolean isSet(ConfigSourceContext context, String name) {
        ConfigValue value = context.getValue(name);
        return value != null && value.getValue() != null && !value.getValue().isBlank()
                && value.getConfigSourceOrdinal() >= LOWEST_ORDINAL_SET_BY_SOMEONE;
    }
}
