package dev.fanout.database;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Singleton;

import dev.fanout.lambda.SnapshotParticipant;

/**
 * The database's part of a snapshot. Before it: every pooled connection is closed (a socket
 * in a snapshot is dead in every copy restored from it, and all copies would share it), and
 * the cached credentials are dropped. After it: the pool is reopened empty once more, so
 * that a copy opens its own connections, and the credentials are read again when the first
 * one opens: a restored copy may run with other role credentials (from the container
 * credentials endpoint) than the instance that took the snapshot.
 */
@Singleton
public class DatabaseSnapshotHooks implements SnapshotParticipant {

    /** Closing a handful of connections; a hook that cannot, fails. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final TimeBoundedPgPoolCreator pools;
    private final DatabaseSecretCredentialsProvider secretCredentials;
    private final RdsIamTokens iamTokens;
    private final AwsCredentialsSource roleCredentials;

    public DatabaseSnapshotHooks(TimeBoundedPgPoolCreator pools, DatabaseSecretCredentialsProvider secretCredentials,
            RdsIamTokens iamTokens, AwsCredentialsSource roleCredentials) {
        this.pools = pools;
        this.secretCredentials = secretCredentials;
        this.iamTokens = iamTokens;
        this.roleCredentials = roleCredentials;
    }

    @Override
    public String name() {
        return "database";
    }

    @Override
    public void beforeCheckpoint() throws Exception {
        forgetCredentials();
        closeEveryConnection();
    }

    @Override
    public void afterRestore() throws Exception {
        forgetCredentials();
        closeEveryConnection();
    }

    /** The role's credentials, and the secret or IAM token signed with them: a restored copy reads its own. */
    private void forgetCredentials() {
        roleCredentials.forgetCached();
        iamTokens.forgetCached();
        secretCredentials.forgetCached();
    }

    private void closeEveryConnection() throws Exception {
        if (pools.pool().isPresent()) {
            pools.pool().get().reopen().toCompletionStage().toCompletableFuture()
                    .get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
