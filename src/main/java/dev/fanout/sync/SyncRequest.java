package dev.fanout.sync;

import java.util.List;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

import dev.fanout.users.UserLimits;

/**
 * The body of {@code POST /sync}. The upper bound on the ids is configuration
 * ({@code fanout.sync.max-batch-size}), so {@link SyncResource} checks it, with a 413.
 */
public record SyncRequest(
        @NotEmpty @JsonDeserialize(contentUsing = UserIdDeserializer.class) List<@NotNull @Positive @Max(UserLimits.MAX_SYNCED_ID) Long> userIds) {
}
