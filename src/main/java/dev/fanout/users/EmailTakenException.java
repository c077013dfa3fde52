package dev.fanout.users;

import dev.fanout.problem.ProblemException;

public class EmailTakenException extends ProblemException {

    public EmailTakenException() {
        super(409, "email-taken", "Email already registered", "Another user already has this email");
    }
}
