package dev.fanout.users;

import java.util.List;

/** One page of {@code GET /users}; {@code next} is the {@code after} of the following page, or null on the last. */
public record UserPage(List<UserView> items, String next) {
}
