package dev.fanout.sync;

import static dev.fanout.support.ProblemAssertions.assertNoInternals;
import static dev.fanout.support.ProblemAssertions.assertProblem;
import static dev.fanout.local.UpstreamStandIn.Behaviour.hang;
import static dev.fanout.local.UpstreamStandIn.Behaviour.healthy;
import static dev.fanout.local.UpstreamStandIn.Behaviour.json;
import static dev.fanout.local.UpstreamStandIn.Behaviour.status;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.fanout.local.UpstreamStandIn;
import dev.fanout.support.InjectUpstreamStandIn;
import dev.fanout.support.TestUsers;
import dev.fanout.support.UpstreamStandInResource;
import dev.fanout.support.UsersTable;
import io.quarkus.test.common.QuarkusTestResource;
import dev.fanout.users.UserLimits;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

@QuarkusTest
@QuarkusTestResource(UpstreamStandInResource.class)
class SyncResourceTest {

    /** Generous: behavioural checks on a shared 2-core machine, not benchmarks. */
    private static final Duration MARGIN = Duration.ofMillis(700);
    /** directory's latency in the deadline test: a few of these fill an item's budget. */
    private static final Duration SLOW_DIRECTORY = Duration.ofMillis(300);

    private static final int SMALL_BATCH = 5;
    private static final String FAILING_REASON_500 = "directory answered HTTP 500";
    private static final String ANOTHER_NAME = "Renamed Person";

    @InjectUpstreamStandIn
    UpstreamStandIn upstreams;

    /** The limits and timeouts of application.properties (with the %test profile), read, not restated. */
    @Inject
    SyncConfig config;

    @BeforeEach
    void healthyUpstreams() {
        SyncWarmUp.once(upstreams);
        upstreams.reset();
    }

    @Test
    void aBatchUpsertsEveryPersonTheDirectoryKnows() {
        List<Long> ids = UsersTable.reserveIds(SMALL_BATCH);

        ExtractableResponse<Response> answer = sync(ids).then().statusCode(200).contentType(ContentType.JSON).extract();

        assertThat(answer.jsonPath().getInt("processed")).isEqualTo(SMALL_BATCH);
        assertThat(answer.jsonPath().getList("failed")).isEmpty();
        Map<Long, UsersTable.Row> rows = UsersTable.rows(ids);
        assertThat(rows).hasSize(SMALL_BATCH);
        long first = ids.get(0);
        assertThat(rows.get(first).email()).isEqualTo("person-" + first + "@example.com");
        assertThat(rows.get(first).displayName()).isEqualTo("Person " + first);
        assertThat(rows.get(first).plan()).isEqualTo("pro");
        assertThat(rows.get(first).updatedAt()).isEqualTo(rows.get(first).createdAt());
    }

    @Test
    void oneIdAnswering500FailsOnlyThatId() {
        List<Long> ids = UsersTable.reserveIds(SMALL_BATCH);
        long broken = ids.get(2);
        upstreams.path(personPath(broken), status(500));

        ExtractableResponse<Response> answer = sync(ids).then().statusCode(200).extract();

        assertThat(answer.jsonPath().getInt("processed")).isEqualTo(SMALL_BATCH - 1);
        assertThat(failures(answer)).containsExactly(Map.entry(broken, FAILING_REASON_500));
        assertThat(UsersTable.rows(ids).keySet()).hasSize(SMALL_BATCH - 1).doesNotContain(broken);
        assertNoInternals(answer.asString());
    }

    @Test
    void aHangingIdFailsByItsOwnTimeoutWhileTheOthersAreSynced() {
        List<Long> ids = UsersTable.reserveIds(SMALL_BATCH);
        long hanging = ids.get(1);
        upstreams.path(personPath(hanging), hang());

        long started = System.nanoTime();
        ExtractableResponse<Response> answer = sync(ids).then().statusCode(200).extract();
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(answer.jsonPath().getInt("processed")).isEqualTo(SMALL_BATCH - 1);
        assertThat(failures(answer)).containsOnlyKeys(hanging);
        assertThat(failures(answer).get(hanging)).isEqualTo("directory did not answer within " + config.directory().timeout().toMillis() + " ms");
        assertThat(took).isGreaterThanOrEqualTo(config.directory().timeout()).isLessThan(config.directory().timeout().plus(MARGIN));
    }

    @Test
    void itemsNotStartedBeforeTheBatchDeadlineFailAndTheBatchAnswersWithinTheInvocation() {
        // Lambda has the safety margin plus two item budgets (fetch + upsert timeouts) left, so the
        // batch's deadline is two budgets away, and an item starts only in the first of them. At
        // max-in-flight items at once, each taking SLOW_DIRECTORY, one budget starts budget / latency
        // rounds of items; half as many again are in the batch, so its last ones cannot start.
        Duration itemBudget = config.directory().timeout().plus(config.upsert().timeout());
        Duration invocationLeft = config.safetyMargin().plus(itemBudget.multipliedBy(2));
        int ids = (int) (config.maxInFlight() * itemBudget.toMillis() / SLOW_DIRECTORY.toMillis() * 3 / 2);
        assertThat(ids).as("a batch POST /sync takes").isLessThanOrEqualTo(config.maxBatchSize());
        List<Long> batch = UsersTable.reserveIds(ids);
        upstreams.upstream("directory", healthy().after(SLOW_DIRECTORY));

        long started = System.nanoTime();
        ExtractableResponse<Response> answer = given().contentType(ContentType.JSON)
                .header("x-amzn-lambda-context", lambdaContext(System.currentTimeMillis() + invocationLeft.toMillis()))
                .body(body(batch))
                .when().post("/sync")
                .then().statusCode(200).extract();
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        Map<Long, String> failed = failures(answer);
        int processed = answer.jsonPath().getInt("processed");
        assertThat(took).as("answered before Lambda would stop the invocation").isLessThan(invocationLeft);
        assertThat(processed).isPositive();
        assertThat(failed).isNotEmpty().allSatisfy((id, reason) -> assertThat(reason).isEqualTo(ItemOutcome.Reason.NOT_STARTED.text));
        assertThat(processed + failed.size()).isEqualTo(ids);
        assertThat(UsersTable.rows(batch).keySet()).as("a row for every processed item, none for the others")
                .hasSize(processed)
                .doesNotContainAnyElementsOf(failed.keySet());
    }

    @Test
    void aPersonMissingFromTheDirectoryFailsAsNotInDirectory() {
        List<Long> ids = UsersTable.reserveIds(2);
        upstreams.path(personPath(ids.get(0)), status(404));

        ExtractableResponse<Response> answer = sync(ids).then().statusCode(200).extract();

        assertThat(failures(answer)).containsExactly(Map.entry(ids.get(0), "not in directory"));
        assertThat(answer.jsonPath().getInt("processed")).isEqualTo(1);
    }

    @Test
    void anEmailThatBelongsToAnotherUserFailsOnlyThatItem() {
        String takenEmail = TestUsers.uniqueEmail();
        long owner = TestUsers.create(takenEmail, "The Owner", "free");
        List<Long> ids = UsersTable.reserveIds(3);
        long colliding = ids.get(1);
        upstreams.path(personPath(colliding), json(person(colliding, takenEmail, "Impostor", "pro")));

        ExtractableResponse<Response> answer = sync(ids).then().statusCode(200).extract();

        assertThat(failures(answer)).containsExactly(Map.entry(colliding, ItemOutcome.Reason.EMAIL_TAKEN.text));
        assertThat(answer.jsonPath().getInt("processed")).isEqualTo(2);
        assertThat(UsersTable.rows(List.of(owner)).get(owner).displayName()).isEqualTo("The Owner");
        assertThat(UsersTable.rows(ids)).doesNotContainKey(colliding);
    }

    @Test
    void anInvalidDirectoryAnswerFailsThatItemWithWhatIsWrong() {
        List<Long> ids = UsersTable.reserveIds(4);
        upstreams.path(personPath(ids.get(0)), json(person(ids.get(0), "gold@example.com", "Gold", "gold")));
        upstreams.path(personPath(ids.get(1)), json(person(ids.get(1), " ", "Blank", "free")));
        upstreams.path(personPath(ids.get(2)), json(person(ids.get(2) + 1_000_000, "other@example.com", "Other", "free")));

        ExtractableResponse<Response> answer = sync(ids).then().statusCode(200).extract();

        Map<Long, String> failed = failures(answer);
        assertThat(failed).containsOnlyKeys(ids.get(0), ids.get(1), ids.get(2));
        assertThat(failed.get(ids.get(0))).startsWith("directory sent an invalid person").contains("plan must be one of free, pro, team");
        assertThat(failed.get(ids.get(1))).startsWith("directory sent an invalid person").contains("email");
        assertThat(failed.get(ids.get(2))).isEqualTo("directory answered with another id");
        assertThat(UsersTable.rows(ids).keySet()).containsExactly(ids.get(3));
    }

    @Test
    void replayingTheSameBatchLeavesIdenticalRows() {
        List<Long> ids = UsersTable.reserveIds(3);
        sync(ids).then().statusCode(200);
        Map<Long, UsersTable.Row> first = UsersTable.rows(ids);

        ExtractableResponse<Response> replay = sync(ids).then().statusCode(200).extract();

        assertThat(replay.jsonPath().getInt("processed")).isEqualTo(3);
        assertThat(UsersTable.rows(ids)).hasSize(3).isEqualTo(first);
    }

    @Test
    void aChangedPersonIsUpdatedAndOnlyItsUpdatedAtMoves() {
        List<Long> ids = UsersTable.reserveIds(2);
        long changed = ids.get(0);
        sync(ids).then().statusCode(200);
        Map<Long, UsersTable.Row> before = UsersTable.rows(ids);
        upstreams.path(personPath(changed), json(person(changed, "person-" + changed + "@example.com", ANOTHER_NAME, "team")));

        sync(ids).then().statusCode(200);

        Map<Long, UsersTable.Row> after = UsersTable.rows(ids);
        assertThat(after.get(changed).displayName()).isEqualTo(ANOTHER_NAME);
        assertThat(after.get(changed).plan()).isEqualTo("team");
        assertThat(after.get(changed).createdAt()).isEqualTo(before.get(changed).createdAt());
        assertThat(after.get(changed).updatedAt()).isAfter(before.get(changed).updatedAt());
        assertThat(after.get(ids.get(1))).isEqualTo(before.get(ids.get(1)));
    }

    @Test
    void afterSyncingTheIdTheSequenceWouldHandOutNextPostUsersStillCreates() {
        long next = UsersTable.nextIdentityValue();
        sync(List.of(next)).then().statusCode(200);
        assertThat(UsersTable.rows(List.of(next))).containsKey(next);

        long created = TestUsers.create();

        assertThat(created).isGreaterThan(next);
    }

    @Test
    void aRepeatedIdIsSyncedOnce() {
        long id = UsersTable.reserveIds(1).get(0);

        ExtractableResponse<Response> answer = sync(List.of(id, id, id)).then().statusCode(200).extract();

        assertThat(answer.jsonPath().getInt("processed")).isEqualTo(1);
        assertThat(upstreams.exchanges("directory")).hasSize(1);
    }

    @Test
    void anIdBeyondTwoToTheFiftyThreeIsRefusedSoTheIdSequenceCannotBeExhausted() {
        assertProblem(sync(List.of(UserLimits.MAX_SYNCED_ID + 1)).then(), 422);

        assertThat(upstreams.exchanges("directory")).isEmpty();
        TestUsers.create(); // POST /users still has ids to hand out
    }

    @Test
    void aBatchOverTheMaximumIs413AndNothingRuns() {
        List<Long> ids = UsersTable.reserveIds(config.maxBatchSize() + 1);

        assertProblem(sync(ids).then(), 413);

        assertThat(upstreams.exchanges("directory")).isEmpty();
        assertThat(UsersTable.rows(ids)).isEmpty();
    }

    @Test
    void aBatchOfExactlyTheMaximumIsTaken() {
        List<Long> ids = UsersTable.reserveIds(config.maxBatchSize());

        sync(ids).then().statusCode(200);

        assertThat(UsersTable.rows(ids)).hasSize(config.maxBatchSize());
    }

    @Test
    void emptyOrNonPositiveIdsAre422() {
        for (String body : List.of("{\"userIds\":[]}", "{}", "{\"userIds\":[0]}", "{\"userIds\":[5,-1]}", "{\"userIds\":[1,null]}")) {
            assertProblem(post(body).then(), 422);
        }
        assertThat(upstreams.exchanges("directory")).isEmpty();
    }

    @Test
    void idsThatAreNotWholeNumbersAre400() {
        for (String body : List.of("{\"userIds\":[\"7\"]}", "{\"userIds\":[1.5]}", "{\"userIds\":[99999999999999999999]}",
                "{\"userIds\":7}", "not json")) {
            assertProblem(post(body).then(), 400);
        }
        assertThat(upstreams.exchanges("directory")).isEmpty();
    }

    private Response sync(List<Long> ids) {
        return post(body(ids));
    }

    private static Response post(String body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/sync");
    }

    private static String body(List<Long> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(",", "{\"userIds\":[", "]}"));
    }

    private static String personPath(long id) {
        return "/directory/people/" + id;
    }

    private static String person(long id, String email, String displayName, String plan) {
        return "{\"id\":" + id + ",\"email\":\"" + email + "\",\"displayName\":\"" + displayName + "\",\"plan\":\"" + plan + "\"}";
    }

    private static String lambdaContext(long deadlineEpochMillis) {
        return "{\"request_id\":\"req-sync-1\",\"deadline\":" + deadlineEpochMillis
                + ",\"invoked_function_arn\":\"arn:aws:lambda:eu-west-1:123456789012:function:sync-api\","
                + "\"env_config\":{\"function_name\":\"sync-api\",\"memory\":512,\"version\":\"$LATEST\"}}";
    }

    private static Map<Long, String> failures(ExtractableResponse<Response> answer) {
        List<Map<String, Object>> failed = answer.jsonPath().getList("failed");
        if (failed == null) {
            return Collections.emptyMap();
        }
        return failed.stream().collect(Collectors.toMap(
                item -> ((Number) item.get("userId")).longValue(), item -> (String) item.get("reason"),
                (a, b) -> a, java.util.LinkedHashMap::new));
    }
}
