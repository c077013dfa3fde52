package dev.fanout.upstream;

import dev.fanout.problem.ProblemException;

/**
 * An upstream answered with an error, with something that is not the JSON it
 * promised, or dropped the connection: a 502 where the part is required.
 * The detail names the upstream and what went wrong, never its address.
 */
public class UpstreamFailureException extends ProblemException {

    private final String upstream;

    public UpstreamFailureException(String upstream, String what, Throwable cause) {
        super(502, "upstream-failed", "Upstream failed", upstream + " " + what, cause);
        this.upstream = upstream;
    }

    public String upstream() {
        return upstream;
    }
}
