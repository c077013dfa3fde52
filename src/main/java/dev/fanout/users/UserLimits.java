package dev.fanout.users;

/** Field limits, shared by the request records' validation, sync's check of the directory's answers, and the README. */
public final class UserLimits {

    public static final int EMAIL_MAX = 254;          // RFC 5321 path limit
    public static final int DISPLAY_NAME_MAX = 200;
    public static final String NOT_BLANK = "(?s).*\\S.*";

    private UserLimits() {
    }
}
