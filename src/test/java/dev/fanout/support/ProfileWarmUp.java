package dev.fanout.support;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import dev.fanout.local.UpstreamStandIn;

/**
 * The first profiles of a fresh application pay class loading, JIT and new
 * connections, and can outlast recommendations' 400 ms on a busy two-core machine.
 * Tests that judge a healthy profile's shape or timing warm up first, once per
 * application, until one whole profile comes back. It is bounded, and it changes
 * no timeout.
 */
public final class ProfileWarmUp {

    private static volatile boolean warm;

    private ProfileWarmUp() {
    }

    public static void once(UpstreamStandIn upstreams) {
        if (warm) {
            return;
        }
        upstreams.reset();
        long userId = TestUsers.create();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> given()
                .get("/users/" + userId + "/profile").then().extract().jsonPath().getList("degraded").isEmpty());
        upstreams.reset();
        warm = true;
    }
}
