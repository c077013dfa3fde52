package dev.fanout.upstream;

import dev.fanout.problem.ProblemException;

/** Every connection to an upstream is busy and its line of waiters full: refused at once, a 503 where the part is required. */
public class UpstreamSaturatedException extends ProblemException {

    public UpstreamSaturatedException(String upstream) {
        super(503, "upstream-saturated", "Upstream saturated",
                upstream + " has as many calls in flight and waiting as this instance allows; retry shortly");
    }
}
