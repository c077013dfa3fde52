package dev.fanout.problem;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * Explicit limits on the JSON we read, request bodies and upstream answers alike, so
 * that a hostile body costs a bounded amount of stack and memory. Jackson's own default
 * nesting depth is 1000; none of our bodies is deeper than 3, so 64
 * ({@code fanout.http.max-json-depth}) leaves room and refuses a 100,000-deep bomb at
 * once. Too deep a body is a JSON error, so {@code dev.fanout.http.ProblemMappers} answers 400.
 * String and number lengths keep Jackson's defaults, and the body size limits
 * ({@link BodyLimitFilter}) bound them first.
 */
@Singleton
public class JsonLimits implements ObjectMapperCustomizer {

    private final int maxNestingDepth;

    public JsonLimits(@ConfigProperty(name = "fanout.http.max-json-depth") int maxNestingDepth) {
        this.maxNestingDepth = maxNestingDepth;
    }

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(maxNestingDepth)
                .build());
    }
}
