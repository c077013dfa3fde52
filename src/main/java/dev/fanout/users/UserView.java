package dev.fanout.users;

import java.time.Instant;

/** A user as the API shows it. */
public record UserView(long id, String email, String displayName, String plan, Instant createdAt, Instant updatedAt) {

    public static UserView of(User user) {
        return new UserView(user.id, user.email, user.displayName, user.plan, user.createdAt, user.updatedAt);
    }
}
