package dev.fanout.lambda;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The Web Adapter's readiness gate ({@code AWS_LWA_READINESS_CHECK_PATH=/q/health/started},
 * through {@link InitStartupCheck}): passed once the app has started and its {@link WarmUp}s have finished,
 * failed, or run past {@code fanout.lambda.warm-up.timeout}. It checks no dependency on
 * purpose. Gated on the database ({@code /q/health/ready}, which is still there for everyone
 * else), a cold start during an outage never became ready, and callers waited for the
 * function's timeout instead of getting a 503 at once.
 * <p>
 * Why SmallRye Health's startup group and not a route of our own: it is the standard
 * meaning of "started" (Kubernetes' startupProbe reads the same path), it needs no route
 * beside the health ones, and it keeps liveness and readiness as they were.
 */
@Singleton
public class InitGate {

    private static final Logger LOG = Logger.getLogger(InitGate.class);

    private final LambdaConfig.WarmUp config;
    private final Instance<WarmUp> warmUps;
    private final Vertx vertx;
    private final CompletableFuture<Void> warmedUp = new CompletableFuture<>();
    private volatile boolean passed;

    public InitGate(LambdaConfig config, Instance<WarmUp> warmUps, Vertx vertx) {
        this.config = config.warmUp();
        this.warmUps = warmUps;
        this.vertx = vertx;
    }

    /**
     * Starts the warm-ups and returns at once, so that Quarkus goes on to listen. The gate
     * holds the only reference to them: init work, not a request, so nothing else waits on it.
     */
    void onStart(@Observes StartupEvent started) {
        if (!config.enabled()) {
            passed = true;
            warmedUp.complete(null);
            return;
        }
        long start = System.nanoTime();
        List<WarmUp> all = warmUps.stream().toList();
        CompletableFuture<Void> done = CompletableFuture.allOf(all.stream()
                .map(this::run)
                .toArray(CompletableFuture[]::new));
        done.whenComplete((ignored, failure) -> warmedUp.complete(null));
        // The bound applies to the gate only (a copy); the warm-ups themselves are never cancelled.
        done.copy()
                .completeOnTimeout(null, config.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((ignored, failure) -> {
                    passed = true;
                    Duration took = Duration.ofNanos(System.nanoTime() - start);
                    if (done.isDone()) {
                        LOG.infof("Init: warmed up (%s) in %d ms", names(all), took.toMillis());
                    } else {
                        LOG.infof("Init: ready without the warm-up (%s), which is still running after %d ms",
                                names(all), took.toMillis());
                    }
                });
    }

    /** Completes (never exceptionally) when the warm-up has finished, on a context as a request's. */
    private CompletableFuture<Void> run(WarmUp warmUp) {
        CompletableFuture<Void> finished = new CompletableFuture<>();
        Context context = VertxContext.getOrCreateDuplicatedContext(vertx);
        VertxContextSafetyToggle.setContextSafe(context, true);
        context.runOnContext(ignored -> Uni.createFrom().deferred(warmUp::warmUp)
                .subscribe().with(
                        item -> finished.complete(null),
                        failure -> {
                            LOG.infof("Init: the %s warm-up failed, the first request will do it: %s",
                                    warmUp.name(), failure.toString());
                            finished.complete(null);
                        }));
        return finished;
    }

    private static String names(List<WarmUp> warmUps) {
        return String.join(", ", warmUps.stream().map(WarmUp::name).toList());
    }

    /** Completes when every warm-up has finished (or failed); a snapshot waits for this. */
    public CompletableFuture<Void> warmedUp() {
        return warmedUp.copy();
    }

    /** Whether the adapter may send invocations: started, and warmed up or past the bound. */
    public boolean passed() {
        return passed;
    }
}
