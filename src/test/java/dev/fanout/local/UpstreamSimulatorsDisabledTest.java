package dev.fanout.local;

import static io.restassured.RestAssured.given;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.junit.QuarkusTest;

/** The default test profile, like prod, leaves the simulators off. */
@QuarkusTest
class UpstreamSimulatorsDisabledTest {

    @ParameterizedTest
    @ValueSource(strings = {"/billing/accounts/1", "/orders/users/1/orders?limit=5",
            "/recommendations/users/1/recommendations", "/directory/people/1"})
    void simulatorRoutesDoNotExistUnlessEnabled(String path) {
        given().get("/_dev/upstreams" + path).then().statusCode(404);
    }
}
