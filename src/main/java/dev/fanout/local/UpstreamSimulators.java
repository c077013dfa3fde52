package dev.fanout.local;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.fanout.local.SimulatorConfig.UpstreamBehaviour;
import dev.fanout.local.UpstreamStandIn.Behaviour;
import io.quarkus.runtime.LaunchMode;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Mounts the {@link UpstreamStandIn} on the application's own router in dev mode, under
 * {@value #PREFIX}/{upstream}/..., so that {@code quarkus:dev} runs the whole function set with
 * no other service; {@code %dev} points the upstream clients here. Each upstream starts with its
 * configured latency and failures ({@link SimulatorConfig}), so that a developer can watch the
 * functions degrade, and can be changed while dev mode runs over
 * {@value #PREFIX}{@value UpstreamStandIn#CONTROL}/{upstream}, as the tests and the fault harness do.
 *
 * <p>Where dev mode differs from the stand-in's other users, and why: it answers {@link
 * UpstreamStandIn.Data#VARIED} data (a developer sees realistic, repeatable values; the tests and
 * scripts check the canned bodies of API.md), on the application's port and Vert.x (the dev-mode
 * URLs stay those of one process), and records no exchanges (a long session would pile them up).
 */
@Singleton
public class UpstreamSimulators {

    static final String PREFIX = "/_dev/upstreams";

    private static final Logger LOG = Logger.getLogger(UpstreamSimulators.class);
    private static final long CONTROL_BODY_LIMIT = 64 * 1024;

    private final SimulatorConfig config;

    public UpstreamSimulators(SimulatorConfig config) {
        this.config = config;
    }

    void register(@Observes Router router, Vertx vertx) {
        // Belt and braces: even a production launch with the flag set gets no simulator.
        if (!config.enabled() || LaunchMode.current() == LaunchMode.NORMAL) {
            return;
        }
        Map<String, Behaviour> behaviours = new LinkedHashMap<>();
        behaviours.put("billing", behaviourOf(config.billing()));
        behaviours.put("orders", behaviourOf(config.orders()));
        behaviours.put("recommendations", behaviourOf(config.recommendations()));
        behaviours.put("directory", behaviourOf(config.directory()));
        UpstreamStandIn standIn = UpstreamStandIn.mounted(vertx, UpstreamStandIn.Data.VARIED, behaviours);
        // The application's router has read nothing yet; the control calls' bodies are small JSON.
        router.route(PREFIX + UpstreamStandIn.CONTROL + "/*").handler(BodyHandler.create().setBodyLimit(CONTROL_BODY_LIMIT))
                .handler(context -> standIn.control(context.request(),
                        context.request().path().substring(PREFIX.length() + UpstreamStandIn.CONTROL.length()),
                        context.body().buffer()));
        router.route(PREFIX + "/*").handler(context -> handle(standIn, context));
        LOG.infof("Upstream simulators answer under %s: %s", PREFIX, behaviours.entrySet().stream()
                .map(upstream -> upstream.getKey() + " (" + upstream.getValue().describe() + ")")
                .collect(Collectors.joining("; ")));
    }

    private static void handle(UpstreamStandIn standIn, RoutingContext context) {
        String path = context.request().path().substring(PREFIX.length());
        // A caller that gives up takes its pending answer with it: no timer outlives its request.
        standIn.handle(context.request(), path, gone -> context.addEndHandler(ended -> gone.handle(null)));
    }

    private static Behaviour behaviourOf(UpstreamBehaviour knobs) {
        Behaviour behaviour = Behaviour.failing(knobs.failureMode(), knobs.failureRate())
                .after(knobs.latency())
                .jitter(knobs.jitter())
                .drip(knobs.drip());
        return knobs.tail()
                .map(tail -> behaviour.tail(tail.fraction(), tail.delay()))
                .orElse(behaviour);
    }
}
