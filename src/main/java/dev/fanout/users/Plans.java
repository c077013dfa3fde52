package dev.fanout.users;

/** The plans a user may be on; the database checks the same list. */
public final class Plans {

    /** For {@code @Pattern}: exactly one of the plans. */
    public static final String PATTERN = "free|pro|team";
    public static final String MESSAGE = "must be one of free, pro, team";

    private Plans() {
    }
}
