package dev.fanout.sync.client;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import dev.fanout.users.Plans;
import dev.fanout.users.UserLimits;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * directory's answer for one person. The constraints are the users table's own rules:
 * an answer that breaks one is that item's failure, never a row.
 */
@RegisterForReflection // read from an upstream's JSON by UpstreamCalls, which no Quarkus extension sees
public record DirectoryPerson(
        @NotNull Long id,
        @NotBlank @Email @Size(max = UserLimits.EMAIL_MAX)
        @Pattern(regexp = UserLimits.NO_CONTROL_CHARACTERS, message = UserLimits.NO_CONTROL_CHARACTERS_MESSAGE) String email,
        @NotBlank @Size(max = UserLimits.DISPLAY_NAME_MAX)
        @Pattern(regexp = UserLimits.NO_CONTROL_CHARACTERS, message = UserLimits.NO_CONTROL_CHARACTERS_MESSAGE) String displayName,
        @NotNull @Pattern(regexp = Plans.PATTERN, message = Plans.MESSAGE) String plan) {
}
