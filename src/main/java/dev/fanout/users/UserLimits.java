package dev.fanout.users;

/** Field limits, shared by the request records' validation, sync's check of the directory's answers, and the README. */
public final class UserLimits {

    public static final int EMAIL_MAX = 254;          // RFC 5321 path limit
    public static final int DISPLAY_NAME_MAX = 200;
    /**
     * The largest id sync accepts: 2^53 - 1, the largest integer every JSON client reads
     * exactly. Synced ids move the id sequence past themselves; an id near 2^63 would
     * exhaust it, and every later {@code POST /users} would fail.
     */
    public static final long MAX_SYNCED_ID = 9_007_199_254_740_991L;
    public static final String NOT_BLANK = "(?s).*\\S.*";
    /**
     * No control characters (C0, DEL, C1) and no unpaired surrogate in a stored text. PostgreSQL
     * cannot store NUL in {@code text} at all (the write failed, a 500, before this rule), and the
     * others have no place in an email or a display name, where they would only forge log lines or
     * terminals. An unpaired surrogate (a lone U+D800..U+DFFF, which a JSON escape can carry) is no
     * character at all, and the driver's UTF-8 encoder mangled the character after it into bytes
     * PostgreSQL refuses (a 500, found by FuzzTest); a surrogate pair (an emoji) is one code point,
     * not {@code Cs}, and passes.
     */
    public static final String NO_CONTROL_CHARACTERS = "[^\\p{Cc}\\p{Cs}]*";
    public static final String NO_CONTROL_CHARACTERS_MESSAGE = "must not contain control characters or unpaired surrogates";

    private UserLimits() {
    }
}
