package dev.fanout.ops;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;

/** The OpenAPI document declares every route's error answers, as problem+json. */
@QuarkusTest
class OpenApiProblemsTest {

    private static final String PROBLEM_JSON = "application/problem+json";
    private static final String PROBLEM_SCHEMA = "#/components/schemas/Problem";
    /** The error statuses each route can answer (README, "Errors" and the functions' sections). */
    private static final Map<String, Set<String>> ERRORS = Map.of(
            "post /users", Set.of("400", "409", "413", "415", "422", "500", "503"),
            "get /users", Set.of("400", "500", "503"),
            "get /users/{id}", Set.of("400", "404", "500", "503"),
            "patch /users/{id}", Set.of("400", "404", "409", "413", "415", "422", "500", "503"),
            "delete /users/{id}", Set.of("400", "404", "500", "503"),
            "get /users/{id}/profile", Set.of("400", "404", "500", "502", "503", "504"),
            "post /sync", Set.of("400", "413", "415", "422", "500", "503"),
            "post /events/sqs", Set.of("400", "500", "503"),
            "post /events/migrate", Set.of("500", "503"));

    /** Each route's success answer (by its JSON pointer in the document) and the schema it names. */
    private static final Map<String, String> SUCCESSES = Map.of(
            "/paths/~1users/post/responses/201", "UserView",
            "/paths/~1users/get/responses/200", "UserPage",
            "/paths/~1users~1{id}/get/responses/200", "UserView",
            "/paths/~1users~1{id}/patch/responses/200", "UserView",
            "/paths/~1users~1{id}~1profile/get/responses/200", "Profile",
            "/paths/~1sync/post/responses/200", "SyncReport",
            "/paths/~1events~1sqs/post/responses/200", "SqsBatchResponse",
            "/paths/~1events~1migrate/post/responses/200", "MigrationStatus");

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void everyRouteDeclaresItsErrorsAsProblemJson() throws Exception {
        JsonNode document = json.readTree(given().queryParam("format", "json").get("/q/openapi").then()
                .statusCode(200).extract().asString());

        List<String> operations = new ArrayList<>();
        document.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(operation -> {
            String route = operation.getKey() + " " + path.getKey();
            operations.add(route);
            JsonNode responses = operation.getValue().path("responses");
            assertThat(ERRORS).as("a route this test knows").containsKey(route);
            for (String status : ERRORS.get(route)) {
                JsonNode declared = responses.path(status);
                assertThat(declared.isMissingNode()).as("%s declares %s", route, status).isFalse();
                assertThat(declared.path("content").path(PROBLEM_JSON).path("schema").path("$ref").asText())
                        .as("%s %s is problem+json", route, status).isEqualTo(PROBLEM_SCHEMA);
                assertThat(declared.path("description").asText()).as("%s %s says when", route, status).isNotBlank();
            }
            for (Iterator<String> codes = responses.fieldNames(); codes.hasNext();) {
                String code = codes.next();
                if (code.startsWith("4") || code.startsWith("5")) {
                    assertThat(responses.path(code).path("content").has(PROBLEM_JSON)).as("%s %s", route, code).isTrue();
                }
            }
        }));
        assertThat(operations).containsExactlyInAnyOrderElementsOf(ERRORS.keySet());

        // Declaring the errors keeps the success answers' schemas.
        SUCCESSES.forEach((pointer, schema) -> assertThat(document.at(pointer + "/content/application~1json/schema/$ref").asText())
                .as(pointer).isEqualTo("#/components/schemas/" + schema));

        JsonNode problem = document.path("components").path("schemas").path("Problem").path("properties");
        assertThat(problem.fieldNames()).toIterable().contains("type", "title", "status", "detail", "errors");
    }
}
