package dev.fanout.observability;

import java.util.Optional;

import jakarta.inject.Singleton;

import org.jboss.logging.MDC;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fanout.lambda.LambdaContext;

/**
 * Puts the ids that tie a log line to its invocation into the logging context
 * (MDC), for every line logged while the request is handled: the Lambda request id
 * and function name that the Web Adapter forwards in {@code x-amzn-lambda-context},
 * and API Gateway's request id from {@code x-amzn-request-context}. OpenTelemetry
 * adds {@code traceId} and {@code spanId} beside them. Quarkus keeps the MDC per
 * request (on the request's Vert.x context), so ids never leak between requests.
 */
@Singleton
public class RequestLogContext {

    public static final String LAMBDA_REQUEST_ID = "lambdaRequestId";
    public static final String API_REQUEST_ID = "apiRequestId";
    public static final String FUNCTION_NAME = "functionName";

    /** API Gateway's request context, which the Web Adapter forwards. */
    public static final String REQUEST_CONTEXT_HEADER = "x-amzn-request-context";

    private final ObjectMapper json;

    public RequestLogContext(ObjectMapper json) {
        this.json = json;
    }

    /** Called by the request edge, with the Lambda context it has already read. */
    public void put(Optional<LambdaContext> lambda, String requestContextHeader) {
        lambda.ifPresent(this::putLambda);
        String apiRequestId = apiRequestId(requestContextHeader);
        if (apiRequestId != null) {
            MDC.put(API_REQUEST_ID, apiRequestId);
        }
    }

    private void putLambda(LambdaContext lambda) {
        if (lambda.requestId() != null) {
            MDC.put(LAMBDA_REQUEST_ID, lambda.requestId());
        }
        if (lambda.functionName() != null) {
            MDC.put(FUNCTION_NAME, lambda.functionName());
        }
    }

    private String apiRequestId(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            JsonNode requestId = json.readTree(header).path("requestId");
            return requestId.isTextual() ? requestId.asText() : null;
        } catch (Exception malformed) {
            return null; // the adapter sends "null" for pass-through events; nothing to log then
        }
    }
}
