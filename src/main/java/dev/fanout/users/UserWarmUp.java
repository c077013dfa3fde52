package dev.fanout.users;

import jakarta.inject.Singleton;

import dev.fanout.lambda.WarmUp;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * The users feature's part of a function's init: one Hibernate Reactive read (the CRUD
 * routes' path: a session, the entity's loading code, a pooled connection opened) and one
 * pooled read outside a session (the profile's). Both ask for an id that cannot exist, so
 * they change nothing and find nothing. One after the other: one connection serves both.
 */
@Singleton
public class UserWarmUp implements WarmUp {

    /** Ids are positive (the identity column starts at 1). */
    static final long NO_SUCH_USER = 0L;

    private final UserRepository users;

    public UserWarmUp(UserRepository users) {
        this.users = users;
    }

    @Override
    public String name() {
        return "users";
    }

    @Override
    public Uni<?> warmUp() {
        return Panache.withSession(() -> users.findById(NO_SUCH_USER))
                .chain(() -> users.findView(NO_SUCH_USER)
                        .onFailure(UserNotFoundException.class).recoverWithNull());
    }
}
