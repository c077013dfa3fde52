package dev.fanout.local;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What the simulated upstreams answer, in the shapes of the API contract. Every
 * value is drawn from a random generator seeded with the user id, so that the same
 * id always gets the same account, orders, recommendations and person: a developer
 * can compare two runs, and a test can compare two calls.
 */
final class SimulatedUpstreamData {

    /** The directory knows people up to this id, so that a sync can meet one it does not know. */
    static final long DIRECTORY_MAX_ID = 1_000_000;

    static final int MAX_ORDERS = 5;
    static final int RECOMMENDATIONS = 3;

    private static final String CURRENCY = "EUR";
    // A fixed "now", not the clock: the same id must give the same orders tomorrow.
    private static final Instant LATEST_ORDER = Instant.parse("2026-01-01T10:00:00Z");
    private static final int MAX_HOURS_BETWEEN_ORDERS = 24 * 30;
    private static final int SKU_RANGE = 10_000;

    private static final List<String> FIRST_NAMES = List.of(
            "Ada", "Grace", "Alan", "Barbara", "Edsger", "Frances", "Donald", "Margaret",
            "Ken", "Radia", "Tim", "Katherine", "Dennis", "Hedy", "John", "Sophie");
    private static final List<String> LAST_NAMES = List.of(
            "Lovelace", "Hopper", "Turing", "Liskov", "Dijkstra", "Allen", "Knuth", "Hamilton",
            "Thompson", "Perlman", "Berners-Lee", "Johnson", "Ritchie", "Lamarr", "Backus", "Wilson");

    private SimulatedUpstreamData() {
    }

    /** billing: {@code GET /accounts/{userId}}. */
    static JsonObject account(long userId) {
        SplittableRandom random = seededFor("billing", userId);
        return new JsonObject()
                .put("userId", userId)
                .put("balance", money(random, 0, 500_00))
                .put("currency", CURRENCY)
                // Most accounts are in good standing; some are behind, as in any real ledger.
                .put("status", random.nextInt(10) == 0 ? "past_due" : "active");
    }

    /** orders: {@code GET /users/{userId}/orders?limit=n}, newest first; a smaller limit gives a prefix of the same list. */
    static JsonArray recentOrders(long userId, int limit) {
        SplittableRandom random = seededFor("orders", userId);
        int count = random.nextInt(MAX_ORDERS + 1);
        Instant placedAt = LATEST_ORDER.minus(Duration.ofHours(random.nextInt(MAX_HOURS_BETWEEN_ORDERS)));
        JsonArray orders = new JsonArray();
        for (int number = 1; number <= count; number++) {
            // Draw every order even past the limit, so that the limit never changes the values drawn.
            JsonObject order = new JsonObject()
                    .put("id", "o-" + userId + "-" + number)
                    .put("total", money(random, 5_00, 250_00))
                    .put("currency", CURRENCY)
                    .put("placedAt", placedAt.toString());
            if (number <= limit) {
                orders.add(order);
            }
            placedAt = placedAt.minus(Duration.ofHours(1 + random.nextInt(MAX_HOURS_BETWEEN_ORDERS)));
        }
        return orders;
    }

    /** recommendations: {@code GET /users/{userId}/recommendations}, best first, scores strictly between 0 and 1. */
    static JsonArray recommendations(long userId) {
        SplittableRandom random = seededFor("recommendations", userId);
        List<JsonObject> picks = new ArrayList<>();
        for (int i = 0; i < RECOMMENDATIONS; i++) {
            picks.add(new JsonObject()
                    .put("sku", "sku-" + (1 + random.nextInt(SKU_RANGE)))
                    .put("score", (1 + random.nextInt(99)) / 100.0));
        }
        picks.sort(Comparator.comparingDouble((JsonObject pick) -> pick.getDouble("score")).reversed());
        return new JsonArray(picks);
    }

    /** directory: {@code GET /people/{userId}}; the id is part of the email, which {@code users} keeps unique. */
    static JsonObject person(long userId) {
        SplittableRandom random = seededFor("directory", userId);
        String firstName = FIRST_NAMES.get(random.nextInt(FIRST_NAMES.size()));
        String lastName = LAST_NAMES.get(random.nextInt(LAST_NAMES.size()));
        return new JsonObject()
                .put("id", userId)
                .put("email", (firstName + "." + lastName + "." + userId + "@example.com").toLowerCase())
                .put("displayName", firstName + " " + lastName)
                .put("plan", planFrom(random.nextInt(100)));
    }

    /** Most people are on the free plan, fewer pay, fewest are teams. */
    private static String planFrom(int percentile) {
        if (percentile < 60) {
            return "free";
        }
        return percentile < 90 ? "pro" : "team";
    }

    /** An amount in cents from min to max, as the contract writes money: a decimal string with two places. */
    private static String money(SplittableRandom random, int minCents, int maxCents) {
        return BigDecimal.valueOf(random.nextInt(minCents, maxCents + 1), 2).toPlainString();
    }

    /** Each upstream draws from its own sequence, so that one user's values do not echo across upstreams. */
    private static SplittableRandom seededFor(String upstream, long userId) {
        return new SplittableRandom(upstream.hashCode() * 1_000_003L + userId);
    }
}
