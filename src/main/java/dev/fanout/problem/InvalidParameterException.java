package dev.fanout.problem;

/** A path or query parameter that is not what the route takes: a 400. */
public class InvalidParameterException extends ProblemException {

    public InvalidParameterException(String detail) {
        super(400, "invalid-parameter", "Invalid parameter", detail);
    }
}
