package dev.fanout.problem;

import java.util.Map;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * Completes every operation's error answers in the OpenAPI document, so that a resource
 * declares only what is its own (its success, and the errors only it can give, with its
 * own words):
 * <ul>
 * <li>every error answer (4xx, 5xx) is {@code application/problem+json} with the
 * {@link Problem} schema, which is what {@code ProblemMappers} and the edge's filters send;</li>
 * <li>every route can answer 500 (an unexpected failure) and 503 (the database cannot serve,
 * or the instance is draining or shedding load);</li>
 * <li>a route that reads a JSON body can also answer 413 (the edge's body limit) and 415.</li>
 * </ul>
 * A response the resource declares itself keeps its description.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class ProblemResponses implements OASFilter {

    static final String PROBLEM_SCHEMA = "#/components/schemas/Problem";
    private static final String JSON = "application/json";
    private static final Map<String, String> EVERY_ROUTE = Map.of(
            "500", "Unexpected failure; the answer's reference is also in the log",
            "503", "The database cannot serve now, or this instance is shutting down; Retry-After says when to retry");
    private static final Map<String, String> JSON_BODY_ROUTE = Map.of(
            "413", "The body is over 64 KiB",
            "415", "The content type is not application/json");

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        for (PathItem path : openAPI.getPaths().getPathItems().values()) {
            path.getOperations().values().forEach(ProblemResponses::complete);
        }
    }

    private static void complete(Operation operation) {
        APIResponses responses = operation.getResponses();
        if (responses == null) {
            responses = OASFactory.createAPIResponses();
            operation.setResponses(responses);
        }
        declareIfAbsent(responses, EVERY_ROUTE);
        if (readsJson(operation)) {
            declareIfAbsent(responses, JSON_BODY_ROUTE);
        }
        for (Map.Entry<String, APIResponse> response : responses.getAPIResponses().entrySet()) {
            if (isError(response.getKey()) && response.getValue().getContent() == null) {
                response.getValue().setContent(problemJson());
            }
        }
    }

    private static void declareIfAbsent(APIResponses responses, Map<String, String> answers) {
        answers.forEach((status, description) -> {
            if (!responses.hasAPIResponse(status)) {
                responses.addAPIResponse(status, OASFactory.createAPIResponse().description(description));
            }
        });
    }

    private static boolean readsJson(Operation operation) {
        return operation.getRequestBody() != null && operation.getRequestBody().getContent() != null
                && operation.getRequestBody().getContent().hasMediaType(JSON);
    }

    private static boolean isError(String status) {
        return status.startsWith("4") || status.startsWith("5");
    }

    private static org.eclipse.microprofile.openapi.models.media.Content problemJson() {
        return OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE,
                OASFactory.createMediaType().schema(OASFactory.createSchema().ref(PROBLEM_SCHEMA)));
    }
}
