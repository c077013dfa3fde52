package dev.fanout.lambda;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;

import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The snapshot hooks of a SnapStart (or CRaC) function, reached two ways:
 * <ul>
 * <li>as an {@code org.crac} {@link Resource} registered with the global context, for a JVM
 * that checkpoints itself (a CRaC JDK, or the Lambda Java runtime's own client);</li>
 * <li>as {@code POST /q/snapstart/before-checkpoint} and {@code POST /q/snapstart/after-restore},
 * which the Web Adapter calls ({@code AWS_LWA_SNAPSTART_BEFORE_CHECKPOINT_PATH} and
 * {@code AWS_LWA_SNAPSTART_AFTER_RESTORE_PATH}): under the adapter the app is a process of its
 * own, so the runtime's in-process hooks never reach it. Only from the loopback interface,
 * where the adapter is; API Gateway routes no {@code /q/} path to the function anyway.</li>
 * </ul>
 * Before the checkpoint the warm-ups are awaited (the snapshot then holds the primed code),
 * and each {@link SnapshotParticipant} closes what must not be in it. After the restore each
 * renews what copies must not share. The participants run in a fixed order: by name.
 */
@Singleton
public class SnapStartHooks implements Resource {

    public static final String BEFORE_CHECKPOINT = "/q/snapstart/before-checkpoint";
    public static final String AFTER_RESTORE = "/q/snapstart/after-restore";
    /** How long a checkpoint waits for warm-ups still running; no request waits on it. */
    static final Duration WARM_UP_WAIT = Duration.ofSeconds(10);
    private static final Logger LOG = Logger.getLogger(SnapStartHooks.class);

    private final List<SnapshotParticipant> participants;
    private final InitGate init;

    public SnapStartHooks(Instance<SnapshotParticipant> participants, InitGate init) {
        this.participants = participants.stream()
                .sorted((a, b) -> a.name().compareTo(b.name()))
                .toList();
        this.init = init;
    }

    /** The global context keeps a strong reference to this singleton for as long as the app runs. */
    void onStart(@Observes StartupEvent started) {
        Core.getGlobalContext().register(this);
    }

    void register(@Observes Router router) {
        router.route(HttpMethod.POST, BEFORE_CHECKPOINT).blockingHandler(context -> hook(context, true));
        router.route(HttpMethod.POST, AFTER_RESTORE).blockingHandler(context -> hook(context, false));
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) throws Exception {
        long start = System.nanoTime();
        try {
            init.warmedUp().get(WARM_UP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException stillRunning) {
            LOG.warnf("Checkpoint: the warm-ups still run after %s; the snapshot is taken without them", WARM_UP_WAIT);
        }
        for (SnapshotParticipant participant : participants) {
            participant.beforeCheckpoint();
        }
        LOG.infof("Checkpoint: ready for the snapshot (%s) in %d ms", names(), elapsedMillis(start));
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) throws Exception {
        long start = System.nanoTime();
        for (SnapshotParticipant participant : participants) {
            participant.afterRestore();
        }
        LOG.infof("Restore: renewed (%s) in %d ms", names(), elapsedMillis(start));
    }

    private void hook(RoutingContext context, boolean beforeCheckpoint) {
        if (!isLoopback(context)) {
            context.response().setStatusCode(403).end();
            return;
        }
        try {
            if (beforeCheckpoint) {
                beforeCheckpoint(null);
            } else {
                afterRestore(null);
            }
            context.response().setStatusCode(204).end();
        } catch (Exception failed) {
            LOG.errorf(failed, "The %s hook failed", beforeCheckpoint ? "before-checkpoint" : "after-restore");
            context.response().setStatusCode(500).end();
        }
    }

    private static boolean isLoopback(RoutingContext context) {
        if (context.request().remoteAddress() == null) {
            return false;
        }
        try {
            return InetAddress.getByName(context.request().remoteAddress().hostAddress()).isLoopbackAddress();
        } catch (UnknownHostException unparsable) {
            return false;
        }
    }

    private String names() {
        return String.join(", ", participants.stream().map(SnapshotParticipant::name).toList());
    }

    private static long elapsedMillis(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }
}
