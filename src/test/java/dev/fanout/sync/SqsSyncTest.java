package dev.fanout.sync;

import static dev.fanout.local.UpstreamStandIn.Behaviour.status;
import static dev.fanout.sync.SqsFixtures.FIFO;
import static dev.fanout.sync.SqsFixtures.FIFO_USERS;
import static dev.fanout.sync.SqsFixtures.GROUP_A_SECOND;
import static dev.fanout.sync.SqsFixtures.GROUP_A_THIRD;
import static dev.fanout.sync.SqsFixtures.STANDARD;
import static dev.fanout.sync.SqsFixtures.STANDARD_MALFORMED;
import static dev.fanout.sync.SqsFixtures.STANDARD_NON_POSITIVE;
import static dev.fanout.sync.SqsFixtures.STANDARD_USERS;
import static dev.fanout.sync.SqsFixtures.STANDARD_USER_1;
import static dev.fanout.sync.SqsFixtures.STANDARD_USER_2;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.fanout.local.UpstreamStandIn;
import dev.fanout.support.InjectUpstreamStandIn;
import dev.fanout.support.UpstreamStandInResource;
import dev.fanout.support.UsersTable;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/**
 * SQS events as Lambda delivers them (fixtures under {@code events/}), POSTed the way the
 * Web Adapter passes them through. The fixtures' user ids are small numbers; each test
 * shifts them onto ids reserved for it, so that no other test's users are touched.
 */
@QuarkusTest
@QuarkusTestResource(UpstreamStandInResource.class)
class SqsSyncTest {

    private static final int GROUP_A_SECOND_USER = 2;
    private static final int GROUP_A_THIRD_USER = 3;
    private static final List<Integer> GROUP_B_USERS = List.of(4, 5, 6);

    @Inject
    ObjectMapper json;

    @InjectUpstreamStandIn
    UpstreamStandIn upstreams;

    @BeforeEach
    void healthyUpstreams() {
        SyncWarmUp.once(upstreams);
        upstreams.reset();
    }

    @Test
    void aMalformedBodyFailsJustItsMessage() throws IOException {
        List<Long> ids = UsersTable.reserveIds(STANDARD_USERS);

        ExtractableResponse<Response> answer = deliver(fixture(STANDARD, ids.get(0) - 1));

        assertThat(failedMessages(answer)).containsExactly(STANDARD_MALFORMED, STANDARD_NON_POSITIVE);
        assertThat(failedMessages(answer)).doesNotContain(STANDARD_USER_1, STANDARD_USER_2);
        assertThat(UsersTable.rows(ids)).hasSize(STANDARD_USERS);
    }

    @Test
    void replayingTheSameEventLeavesIdenticalRows() throws IOException {
        List<Long> ids = UsersTable.reserveIds(STANDARD_USERS);
        String event = fixture(STANDARD, ids.get(0) - 1);
        deliver(event);
        Map<Long, UsersTable.Row> first = UsersTable.rows(ids);

        ExtractableResponse<Response> replay = deliver(event);

        assertThat(failedMessages(replay)).containsExactly(STANDARD_MALFORMED, STANDARD_NON_POSITIVE);
        assertThat(UsersTable.rows(ids)).hasSize(STANDARD_USERS).isEqualTo(first);
    }

    @Test
    void aFailureInAFifoGroupFailsItsLaterMessagesAndTheOtherGroupGoesOn() throws IOException {
        List<Long> ids = UsersTable.reserveIds(FIFO_USERS);
        long offset = ids.get(0) - 1;
        upstreams.path("/directory/people/" + (offset + GROUP_A_SECOND_USER), status(500));

        ExtractableResponse<Response> answer = deliver(fixture(FIFO, offset));

        assertThat(failedMessages(answer)).containsExactly(GROUP_A_SECOND, GROUP_A_THIRD);
        assertThat(UsersTable.rows(ids).keySet()).containsExactlyInAnyOrder(offset + 1,
                offset + GROUP_B_USERS.get(0), offset + GROUP_B_USERS.get(1), offset + GROUP_B_USERS.get(2));
        assertThat(upstreams.exchanges("directory")).extracting(exchange -> exchange.path)
                .as("the group's later message is not even fetched")
                .doesNotContain("/directory/people/" + (offset + GROUP_A_THIRD_USER));
    }

    @Test
    void aMalformedFifoMessageStopsItsGroupToo() throws IOException {
        List<Long> ids = UsersTable.reserveIds(FIFO_USERS);
        long offset = ids.get(0) - 1;
        ObjectNode event = (ObjectNode) json.readTree(fixture(FIFO, offset));
        for (JsonNode record : event.path("Records")) {
            if (record.path("messageId").asText().equals(GROUP_A_SECOND)) {
                ((ObjectNode) record).put("body", "{\"userId\":\"two\"}");
            }
        }

        ExtractableResponse<Response> answer = deliver(json.writeValueAsString(event));

        assertThat(failedMessages(answer)).containsExactly(GROUP_A_SECOND, GROUP_A_THIRD);
        assertThat(UsersTable.rows(ids)).hasSize(FIFO_USERS - 2);
    }

    @Test
    void aHealthyFifoBatchFailsNothing() throws IOException {
        List<Long> ids = UsersTable.reserveIds(FIFO_USERS);

        ExtractableResponse<Response> answer = deliver(fixture(FIFO, ids.get(0) - 1));

        assertThat(failedMessages(answer)).isEmpty();
        assertThat(UsersTable.rows(ids)).hasSize(FIFO_USERS);
    }

    @Test
    void anEventThatIsNotSqsFailsTheWholeBatchInJson() {
        for (String event : List.of("not json", "{\"Records\":\"none\"}", "{\"Records\":[{\"body\":\"{\\\"userId\\\":1}\"}]}")) {
            ExtractableResponse<Response> answer = given().contentType(ContentType.JSON).body(event)
                    .when().post("/events/sqs")
                    .then().statusCode(400).contentType("application/problem+json").extract();

            assertThat(answer.jsonPath().getList("batchItemFailures.itemIdentifier"))
                    .as("an empty id is Lambda's documented 'the whole batch failed'")
                    .containsExactly("");
            assertThat(answer.jsonPath().getString("detail")).isNotBlank();
        }
        assertThat(upstreams.exchanges("directory")).isEmpty();
    }

    private static ExtractableResponse<Response> deliver(String event) {
        return given().contentType(ContentType.JSON).body(event)
                .when().post("/events/sqs")
                .then().statusCode(200).contentType(ContentType.JSON).extract();
    }

    private static List<String> failedMessages(ExtractableResponse<Response> answer) {
        return answer.jsonPath().getList("batchItemFailures.itemIdentifier", String.class);
    }

    /** The fixture, with each well-formed {@code {"userId":n}} body moved to {@code offset + n}. */
    private String fixture(String resource, long offset) throws IOException {
        ObjectNode event = (ObjectNode) json.readTree(SqsFixtures.read(resource));
        for (JsonNode record : event.path("Records")) {
            JsonNode userId = readBody(record.path("body").asText()).path("userId");
            if (userId.isIntegralNumber() && userId.asLong() > 0) {
                ((ObjectNode) record).put("body", "{\"userId\":" + (offset + userId.asLong()) + "}");
            }
        }
        return json.writeValueAsString(event);
    }

    private JsonNode readBody(String body) {
        try {
            return json.readTree(body);
        } catch (IOException malformed) {
            return json.missingNode();
        }
    }
}
