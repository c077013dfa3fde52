package dev.fanout.profile;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.fanout.concurrent.Deadline;
import dev.fanout.concurrent.DeadlineExceededException;
import dev.fanout.concurrent.FanOut;
import dev.fanout.profile.client.BillingClient;
import dev.fanout.profile.client.OrdersClient;
import dev.fanout.profile.client.RecommendationsClient;
import dev.fanout.users.UserRepository;
import dev.fanout.users.UserView;
import io.smallrye.mutiny.Uni;

/** A profile: the user and billing are required, orders and recommendations optional, all four at once. */
@ApplicationScoped
public class ProfileService {

    private final UserRepository users;
    private final BillingClient billing;
    private final OrdersClient orders;
    private final RecommendationsClient recommendations;
    private final ProfileConfig config;
    private final ProfileMeters meters;

    public ProfileService(UserRepository users, BillingClient billing, OrdersClient orders,
            RecommendationsClient recommendations, ProfileConfig config, ProfileMeters meters) {
        this.users = users;
        this.billing = billing;
        this.orders = orders;
        this.recommendations = recommendations;
        this.config = config;
        this.meters = meters;
    }

    public Uni<Profile> profileOf(long userId, Deadline deadline) {
        var fanOut = FanOut.named("profile").within(deadline);
        var user = fanOut.required("user", userOf(userId, deadline));
        var account = fanOut.required("billing", billing.accountOf(userId, deadline));
        var recentOrders = fanOut.optional("orders", orders.recentOf(userId, deadline));
        var recommended = fanOut.optional("recommendations", recommendations.forUser(userId, deadline));
        return fanOut.join()
                .invoke(parts -> countDegraded(parts.degraded()))
                .map(parts -> new Profile(parts.get(user), parts.get(account), parts.get(recentOrders),
                        parts.get(recommended), parts.degraded()));
    }

    private void countDegraded(List<String> parts) {
        for (String part : parts) {
            meters.degraded(part);
        }
    }

    /** One pooled query: cancelling it drops the answer, and its connection still goes back to the pool. */
    private Uni<UserView> userOf(long userId, Deadline deadline) {
        return deadline.bound(users.findView(userId), config.user().timeout(),
                () -> new DeadlineExceededException("the user's read"));
    }
}
