package dev.fanout.users;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** The body of {@code PATCH /users/{id}}: any subset of the create fields; a null field is left as it is. */
public record UpdateUserRequest(
        @Email @Pattern(regexp = UserLimits.NOT_BLANK, message = "must not be blank") @Size(max = UserLimits.EMAIL_MAX)
        @Pattern(regexp = UserLimits.NO_CONTROL_CHARACTERS, message = UserLimits.NO_CONTROL_CHARACTERS_MESSAGE) String email,
        @Pattern(regexp = UserLimits.NOT_BLANK, message = "must not be blank") @Size(max = UserLimits.DISPLAY_NAME_MAX)
        @Pattern(regexp = UserLimits.NO_CONTROL_CHARACTERS, message = UserLimits.NO_CONTROL_CHARACTERS_MESSAGE) String displayName,
        @Pattern(regexp = Plans.PATTERN, message = Plans.MESSAGE) String plan) {
}
