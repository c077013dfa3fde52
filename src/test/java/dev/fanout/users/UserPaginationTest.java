package dev.fanout.users;

import static dev.fanout.support.ProblemAssertions.assertProblem;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.fanout.support.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

@QuarkusTest
class UserPaginationTest {

    private static final int PAGE_SIZE = 7;
    private static final int SEEDED = 45;

    @Test
    void walkingAllPagesSeesEveryUserOnceInIdOrder() {
        List<Long> seeded = seed(SEEDED);

        List<Long> walked = walkAllPages(PAGE_SIZE);

        assertThat(walked).doesNotHaveDuplicates().isSorted().containsAll(seeded);
    }

    @Test
    void walkingWhileUsersAreInsertedHasNoGapAndNoDuplicate() {
        List<Long> existing = seed(SEEDED);
        AtomicBoolean walking = new AtomicBoolean(true);
        AtomicInteger insertedMeanwhile = new AtomicInteger();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            while (walking.get()) {
                TestUsers.create();
                insertedMeanwhile.incrementAndGet();
            }
        });

        List<Long> walked;
        try {
            walked = walkAllPages(3);
        } finally {
            walking.set(false);
            writer.join();
        }

        assertThat(insertedMeanwhile.get()).as("rows were inserted during the walk").isPositive();
        assertThat(walked).doesNotHaveDuplicates().isSorted().containsAll(existing);
    }

    @Test
    void theLastPageHasNoNext() {
        seed(2);
        long lastId = TestUsers.create();

        JsonPath page = given().queryParam("limit", UserResource.MAX_PAGE_SIZE).queryParam("after", lastId - 1).get("/users")
                .then().statusCode(200).extract().jsonPath();

        assertThat(page.getList("items.id", Long.class)).containsExactly(lastId);
        assertThat(page.getString("next")).isNull();
    }

    @Test
    void aFullPageNamesTheNextCursor() {
        List<Long> ids = seed(3);

        JsonPath page = given().queryParam("limit", 2).queryParam("after", ids.get(0) - 1).get("/users")
                .then().statusCode(200).extract().jsonPath();

        assertThat(page.getList("items.id", Long.class)).containsExactly(ids.get(0), ids.get(1));
        assertThat(page.getString("next")).isEqualTo(Long.toString(ids.get(1)));
    }

    @Test
    void limitOutside1ToTheMaximumPageSizeIsA400() {
        for (String limit : List.of("0", Integer.toString(UserResource.MAX_PAGE_SIZE + 1), "-1", "abc", "99999999999")) {
            assertProblem(given().queryParam("limit", limit).get("/users").then(), 400);
        }
        assertProblem(given().queryParam("after", "x").get("/users").then(), 400);
    }

    private static List<Long> seed(int count) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(TestUsers.create());
        }
        return ids;
    }

    private static List<Long> walkAllPages(int limit) {
        List<Long> walked = new ArrayList<>();
        String next = null;
        int pages = 0;
        do {
            var request = given().queryParam("limit", limit);
            if (next != null) {
                request.queryParam("after", next);
            }
            JsonPath page = request.get("/users").then().statusCode(200).extract().jsonPath();
            List<Long> items = page.getList("items.id", Long.class);
            assertThat(items.size()).isLessThanOrEqualTo(limit);
            walked.addAll(items);
            next = page.getString("next");
            pages++;
            assertThat(pages).as("pagination terminates").isLessThan(100_000);
        } while (next != null);
        return walked;
    }
}
