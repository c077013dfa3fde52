package dev.fanout.problem;

/**
 * A failure that a client can cause or meet and that has a precise answer.
 * Features extend it (a missing user, a taken email, an upstream that failed),
 * so that one mapper turns them all into problem+json.
 */
public abstract class ProblemException extends RuntimeException {

    private final int status;
    private final String type;
    private final String title;

    protected ProblemException(int status, String slug, String title, String detail) {
        this(status, slug, title, detail, null);
    }

    protected ProblemException(int status, String slug, String title, String detail, Throwable cause) {
        super(detail, cause, false, cause != null);
        this.status = status;
        this.type = ProblemTypes.of(slug);
        this.title = title;
    }

    public Problem toProblem() {
        return new Problem(type, title, status, getMessage());
    }

    public int status() {
        return status;
    }
}
