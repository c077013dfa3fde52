package dev.fanout.sync;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import dev.fanout.local.UpstreamStandIn;
import dev.fanout.support.UsersTable;
import io.restassured.http.ContentType;

/**
 * The first sync of a fresh application pays class loading, JIT and directory's first
 * connection, and on a busy two-core machine can outlast the test profile's 500 ms directory
 * timeout: the first item of the first batch then fails, and a test that judges which items
 * fail reads that as its own. Tests that judge outcomes warm up first, once per application,
 * until one id syncs (as {@code ProfileWarmUp} does for profiles). It is bounded, and it
 * changes no timeout.
 */
final class SyncWarmUp {

    private static volatile boolean warm;

    private SyncWarmUp() {
    }

    static void once(UpstreamStandIn upstreams) {
        if (warm) {
            return;
        }
        upstreams.reset();
        long id = UsersTable.reserveIds(1).get(0);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> given()
                .contentType(ContentType.JSON).body("{\"userIds\":[" + id + "]}")
                .post("/sync").then().extract().jsonPath().getInt("processed") == 1);
        upstreams.reset();
        warm = true;
    }
}
