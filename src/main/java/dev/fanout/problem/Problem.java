package dev.fanout.problem;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.Json;

/**
 * An RFC 9457 problem detail: the body of every error answer.
 *
 * @param errors for a validation failure only: which field broke which rule
 */
/* Named, so that the OpenAPI document lists it for ProblemResponses to refer to. */
@Schema(name = "Problem", description = "An RFC 9457 problem detail")
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public Problem(String type, String title, int status, String detail) {
        this(type, title, status, detail, null);
    }

    /**
     * Answers with this problem from a router filter, before any resource has read the
     * request, and closes the connection: what is left of the request is never read.
     */
    public void refuse(HttpServerResponse response) {
        answer(response.putHeader(HttpHeaders.CONNECTION, "close"));
    }

    /** Answers with this problem from a router filter, keeping the connection (for a request with no body). */
    public void answer(HttpServerResponse response) {
        response.setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, MEDIA_TYPE)
                .end(Json.encode(this));
    }

    @RegisterForReflection
    public record FieldError(String field, String message) {
    }
}
