package dev.fanout.sync.client;

import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

import dev.fanout.concurrent.Deadline;
import dev.fanout.sync.SyncConfig;
import dev.fanout.sync.SyncItemException;
import dev.fanout.upstream.UpstreamCalls;
import dev.fanout.upstream.UpstreamNotFoundException;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class DirectoryClient {

    static final String UPSTREAM = "directory";

    private final SyncConfig config;
    private final UpstreamCalls calls;
    private final Validator validator;

    public DirectoryClient(SyncConfig config, UpstreamCalls calls, Validator validator) {
        this.config = config;
        this.calls = calls;
        this.validator = validator;
    }

    /**
     * The person behind a user id, within the fetch's own timeout and the batch's deadline;
     * a 404 is {@link NotInDirectoryException}, and an answer that breaks the users table's
     * rules (or names another id) is a {@link SyncItemException} that says what is wrong.
     */
    public Uni<DirectoryPerson> personOf(long userId, Deadline deadline) {
        return calls.get(UPSTREAM, "/people/" + userId, DirectoryPerson.class, config.directory(), deadline)
                .onFailure(UpstreamNotFoundException.class).transform(missing -> new NotInDirectoryException())
                .map(person -> checked(userId, person));
    }

    private DirectoryPerson checked(long userId, DirectoryPerson person) {
        Set<ConstraintViolation<DirectoryPerson>> violations = validator.validate(person);
        if (!violations.isEmpty()) {
            String broken = violations.stream()
                    .map(violation -> violation.getPropertyPath() + " " + violation.getMessage())
                    .sorted()
                    .collect(Collectors.joining("; "));
            throw new SyncItemException("directory sent an invalid person: " + broken);
        }
        if (person.id() != userId) {
            throw new SyncItemException("directory answered with another id");
        }
        return person;
    }
}
