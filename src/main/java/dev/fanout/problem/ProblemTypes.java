package dev.fanout.problem;

/** The {@code type} URIs of our problems: stable identifiers clients may switch on. */
public final class ProblemTypes {

    /** RFC 9457: the problem is no more than its HTTP status. */
    public static final String ABOUT_BLANK = "about:blank";

    private static final String PREFIX = "urn:fanout:problem:";

    private ProblemTypes() {
    }

    public static String of(String slug) {
        return PREFIX + slug;
    }
}
