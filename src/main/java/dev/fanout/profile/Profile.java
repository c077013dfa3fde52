package dev.fanout.profile;

import java.util.List;

import dev.fanout.profile.client.BillingAccount;
import dev.fanout.profile.client.Order;
import dev.fanout.profile.client.Recommendation;
import dev.fanout.users.UserView;

/** The answer of {@code GET /users/{id}/profile}; a degraded part is null and named in {@code degraded}. */
public record Profile(UserView user, BillingAccount billing, List<Order> orders, List<Recommendation> recommendations,
        List<String> degraded) {
}
