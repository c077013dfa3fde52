package dev.fanout.users;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** The body of {@code POST /users}. */
public record CreateUserRequest(
        @NotBlank @Email @Size(max = UserLimits.EMAIL_MAX)
        @Pattern(regexp = UserLimits.NO_CONTROL_CHARACTERS, message = UserLimits.NO_CONTROL_CHARACTERS_MESSAGE) String email,
        @NotBlank @Size(max = UserLimits.DISPLAY_NAME_MAX)
        @Pattern(regexp = UserLimits.NO_CONTROL_CHARACTERS, message = UserLimits.NO_CONTROL_CHARACTERS_MESSAGE) String displayName,
        @NotNull @Pattern(regexp = Plans.PATTERN, message = Plans.MESSAGE) String plan) {
}
