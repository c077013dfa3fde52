package dev.fanout.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * No secret in the logs: neither the datasource password (a distinctive one here; the
 * embedded database trusts loopback, so any password connects) nor a secret a client sends
 * in its headers, query, path or body ever reaches the log, on the paths that log the most:
 * refused input, malformed JSON, and SQS messages that fail.
 */
@QuarkusTest
@TestProfile(LogSecretsTest.DistinctPassword.class)
class LogSecretsTest {

    static final String DATASOURCE_PASSWORD = generated("ds-pw-");
    static final String CLIENT_SECRET = generated("client-secret-");

    /** Made up for this run, so that finding it in the log can only mean it was logged. */
    private static String generated(String prefix) {
        return prefix + UUID.randomUUID();
    }

    public static class DistinctPassword implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.datasource.password", DATASOURCE_PASSWORD);
        }
    }

    @Test
    void neitherTheDatasourcePasswordNorAClientSecretReachesTheLog() throws IOException {
        carrying().contentType(ContentType.JSON)
                .body("{\"email\":\"" + CLIENT_SECRET + "\",\"displayName\":\"x\",\"plan\":\"pro\",\"password\":\"" + CLIENT_SECRET + "\"}")
                .post("/users").then().statusCode(422);
        carrying().contentType(ContentType.JSON)
                .body("{\"email\":\"" + CLIENT_SECRET + "\",\"displayName\":\"x\",\"plan\":\"pro\"}")
                .post("/users").then().statusCode(422);
        carrying().contentType(ContentType.JSON).body("{not json " + CLIENT_SECRET).post("/users").then().statusCode(400);
        carrying().get("/users/" + CLIENT_SECRET).then().statusCode(400);
        carrying().queryParam("after", CLIENT_SECRET).get("/users").then().statusCode(400);
        carrying().header("Request-Timeout", CLIENT_SECRET).get("/users/1/profile").then().statusCode(400);
        carrying().contentType(ContentType.JSON)
                .body("{\"Records\":[{\"messageId\":\"m-1\",\"body\":\"" + CLIENT_SECRET + "\"}]}")
                .post("/events/sqs").then().statusCode(200);
        carrying().contentType(ContentType.JSON).body("{\"Records\":\"" + CLIENT_SECRET + "\"}").post("/events/sqs").then().statusCode(400);
        given().get("/users?limit=1").then().statusCode(200); // the database was reached with that password

        List<Path> logs = testLogs();
        assertThat(logs).as("the test log files").isNotEmpty();
        for (Path log : logs) {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(text).as(log + " holds the datasource password").doesNotContain(DATASOURCE_PASSWORD);
            assertThat(text).as(log + " holds a client's secret").doesNotContain(CLIENT_SECRET);
        }
    }

    /** A request with the secret wherever a client keeps credentials. */
    private static RequestSpecification carrying() {
        return given().header("Authorization", "Bearer " + CLIENT_SECRET)
                .header("Cookie", "session=" + CLIENT_SECRET)
                .header("X-Api-Key", CLIENT_SECRET);
    }

    private static List<Path> testLogs() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(path -> path.getFileName().toString().startsWith("quarkus-test.log")).toList();
        }
    }
}
