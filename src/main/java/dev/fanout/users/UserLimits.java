package dev.fanout.users;

/** Field limits, shared by the request records' validation and the README. */
final class UserLimits {

    static final int EMAIL_MAX = 254;          // RFC 5321 path limit
    static final int DISPLAY_NAME_MAX = 200;
    static final String NOT_BLANK = "(?s).*\\S.*";

    private UserLimits() {
    }
}
