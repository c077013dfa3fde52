package dev.fanout.concurrent;

import dev.fanout.problem.ProblemException;

/** The request ran out of time before a required part answered: a 504. */
public class DeadlineExceededException extends ProblemException {

    public DeadlineExceededException(String work) {
        super(504, "deadline-exceeded", "Deadline exceeded", work + " did not complete within the request's deadline");
    }
}
