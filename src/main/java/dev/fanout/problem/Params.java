package dev.fanout.problem;

/**
 * Parses path and query parameters by hand. JAX-RS answers 404 when a
 * {@code @PathParam} or {@code @QueryParam} does not convert, which would tell a
 * client that sent {@code /users/abc} that the user is missing rather than that
 * the request is wrong; the contract wants a 400.
 */
public final class Params {

    private static final int MAX_DIGITS = 19;

    private Params() {
    }

    /** A positive 64-bit id. */
    public static long positiveId(String name, String raw) {
        if (raw == null || raw.isEmpty() || raw.length() > MAX_DIGITS || !raw.chars().allMatch(Params::isAsciiDigit)) {
            throw new InvalidParameterException(name + " must be a positive integer");
        }
        try {
            long value = Long.parseLong(raw);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException tooLarge) {
            // falls through to the same answer as any other bad id
        }
        throw new InvalidParameterException(name + " must be a positive integer");
    }

    /** An optional integer within [min, max], or the default when absent. */
    public static int intInRange(String name, String raw, int defaultValue, int min, int max) {
        if (raw == null || raw.isEmpty()) {
            return defaultValue;
        }
        String rule = name + " must be an integer from " + min + " to " + max;
        if (raw.length() > 4 || !raw.chars().allMatch(Params::isAsciiDigit)) {
            throw new InvalidParameterException(rule);
        }
        int value = Integer.parseInt(raw);
        if (value < min || value > max) {
            throw new InvalidParameterException(rule);
        }
        return value;
    }

    private static boolean isAsciiDigit(int c) {
        return c >= '0' && c <= '9';
    }
}
