package dev.fanout.users;

import dev.fanout.problem.ProblemException;

public class UserNotFoundException extends ProblemException {

    public UserNotFoundException(long id) {
        super(404, "user-not-found", "User not found", "There is no user " + id);
    }
}
