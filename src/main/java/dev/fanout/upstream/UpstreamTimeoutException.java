package dev.fanout.upstream;

import java.time.Duration;

import dev.fanout.problem.ProblemException;

/** An upstream did not answer within its time: a 504 where the part is required. */
public class UpstreamTimeoutException extends ProblemException {

    private final String upstream;

    public UpstreamTimeoutException(String upstream, Duration waited) {
        super(504, "upstream-timeout", "Upstream timed out",
                upstream + " did not answer within " + waited.toMillis() + " ms");
        this.upstream = upstream;
    }

    public String upstream() {
        return upstream;
    }
}
