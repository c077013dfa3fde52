package dev.fanout.sync.client;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.rest.client.inject.RestClient;

import dev.fanout.concurrent.Deadline;
import dev.fanout.sync.SyncConfig;
import dev.fanout.upstream.UpstreamCalls;
import dev.fanout.upstream.UpstreamNotFoundException;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class DirectoryClient {

    static final String UPSTREAM = "directory";

    private final DirectoryRestClient directory;
    private final SyncConfig config;
    private final UpstreamCalls calls;

    public DirectoryClient(@RestClient DirectoryRestClient directory, SyncConfig config, UpstreamCalls calls) {
        this.directory = directory;
        this.config = config;
        this.calls = calls;
    }

    /** The person behind a user id, within the fetch's own timeout and the batch's deadline; a 404 is {@link NotInDirectoryException}. */
    public Uni<DirectoryPerson> personOf(long userId, Deadline deadline) {
        return calls.call(UPSTREAM, () -> directory.person(userId), config.directory().timeout(), deadline)
                .onFailure(UpstreamNotFoundException.class).transform(missing -> new NotInDirectoryException());
    }
}
