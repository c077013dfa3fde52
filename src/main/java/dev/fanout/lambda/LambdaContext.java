package dev.fanout.lambda;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The invocation context that the AWS Lambda Web Adapter forwards as the
 * {@code x-amzn-lambda-context} header: the adapter serialises the Rust runtime's
 * {@code lambda_runtime::Context}, whose {@code deadline} is the epoch millisecond at
 * which Lambda stops the invocation, and whose {@code env_config} names the function.
 *
 * @param deadlineEpochMillis 0 when the header carries none
 * @param xrayTraceId the invocation's X-Ray trace header ({@code Root=1-...;Parent=...;Sampled=...}), or null
 */
public record LambdaContext(String requestId, long deadlineEpochMillis, String functionName, String xrayTraceId) {

    public static final String HEADER = "x-amzn-lambda-context";

    /**
     * Parses the header, or answers empty when it is absent or not the adapter's JSON.
     * A client can send the header itself where no adapter stands in front; a bad one
     * is ignored rather than refused, and it can only ever shorten a deadline.
     */
    public static Optional<LambdaContext> parse(ObjectMapper json, String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        try {
            JsonNode context = json.readTree(header);
            if (context == null || !context.isObject()) {
                return Optional.empty();
            }
            long deadline = firstLong(context, "deadline", "deadline_ms");
            String functionName = text(context.path("env_config"), "function_name");
            if (functionName == null) {
                functionName = text(context, "function_name");
            }
            return Optional.of(new LambdaContext(text(context, "request_id"), deadline, functionName,
                    text(context, "xray_trace_id")));
        } catch (Exception malformed) {
            return Optional.empty();
        }
    }

    public boolean hasDeadline() {
        return deadlineEpochMillis > 0;
    }

    private static long firstLong(JsonNode node, String... names) {
        for (String name : names) {
            if (node.path(name).canConvertToLong()) {
                return node.path(name).asLong();
            }
        }
        return 0;
    }

    private static String text(JsonNode node, String name) {
        JsonNode value = node.path(name);
        return value.isTextual() ? value.asText() : null;
    }
}
