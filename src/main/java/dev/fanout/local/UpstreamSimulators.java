package dev.fanout.local;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.fanout.local.SimulatorConfig.UpstreamBehaviour;
import dev.fanout.problem.Params;
import dev.fanout.problem.Problem;
import dev.fanout.problem.ProblemException;
import dev.fanout.problem.ProblemTypes;
import io.netty.channel.ChannelOption;
import io.quarkus.runtime.LaunchMode;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.Json;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Answers billing, orders, recommendations and directory from inside the application
 * in dev mode, under {@value #PREFIX}/{upstream}/..., so that {@code quarkus:dev} runs
 * the whole function set with no other service; {@code %dev} points the REST clients
 * here. Each upstream waits its configured latency and fails as configured
 * ({@link SimulatorConfig}), so that a developer can watch the functions degrade.
 *
 * <p>Waiting uses Vert.x timers: the routes run on the event loop and never block it.
 */
@Singleton
public class UpstreamSimulators {

    static final String PREFIX = "/_dev/upstreams";

    private static final Logger LOG = Logger.getLogger(UpstreamSimulators.class);
    private static final int DEFAULT_ORDERS_LIMIT = 5;
    private static final int MAX_ORDERS_LIMIT = 100;
    private static final int SLOW_FACTOR = 10;
    private static final Problem SIMULATED_FAILURE = new Problem(ProblemTypes.of("simulated-failure"),
            "Simulated upstream failure", 500, "The simulator failed this request on purpose (fanout.simulators.*.failure-rate)");

    private final SimulatorConfig config;

    public UpstreamSimulators(SimulatorConfig config) {
        this.config = config;
    }

    void register(@Observes Router router) {
        // Belt and braces: even a production launch with the flag set gets no simulator.
        if (!config.enabled() || LaunchMode.current() == LaunchMode.NORMAL) {
            return;
        }
        List<SimulatedUpstream> upstreams = List.of(
                new SimulatedUpstream("billing", "/accounts/:userId", config.billing(),
                        UpstreamSimulators::billingAccount),
                new SimulatedUpstream("orders", "/users/:userId/orders", config.orders(),
                        UpstreamSimulators::recentOrders),
                new SimulatedUpstream("recommendations", "/users/:userId/recommendations", config.recommendations(),
                        UpstreamSimulators::recommendations),
                new SimulatedUpstream("directory", "/people/:userId", config.directory(),
                        UpstreamSimulators::person));
        for (SimulatedUpstream upstream : upstreams) {
            router.get(upstream.route()).handler(context -> behave(context, upstream));
        }
        LOG.infof("Upstream simulators answer under %s: %s", PREFIX,
                upstreams.stream().map(SimulatedUpstream::describe).collect(Collectors.joining("; ")));
    }

    /** Answers after the configured latency, or fails in the configured way with the configured probability. */
    private static void behave(RoutingContext context, SimulatedUpstream upstream) {
        UpstreamBehaviour behaviour = upstream.behaviour();
        Answer answer = answerOrProblem(context, upstream.answerer());
        Duration latency = latencyWithJitter(behaviour);
        if (ThreadLocalRandom.current().nextDouble() >= behaviour.failureRate()) {
            after(context, latency, () -> send(context, answer));
            return;
        }
        switch (behaviour.failureMode()) {
            case ERROR -> after(context, latency, () -> send(context, Answer.problem(SIMULATED_FAILURE)));
            case HANG -> LOG.debugf("Simulating a hang for %s", context.request().path()); // only the caller's timeout ends it
            case MALFORMED -> after(context, latency, () -> send(context, answer.cutInHalf()));
            case RESET -> after(context, latency, () -> reset(context));
            case SLOW -> after(context, latency.multipliedBy(SLOW_FACTOR), () -> send(context, answer));
        }
    }

    private static Answer answerOrProblem(RoutingContext context, Function<RoutingContext, Answer> answerer) {
        try {
            return answerer.apply(context);
        } catch (ProblemException invalid) {
            return Answer.problem(invalid.toProblem());
        }
    }

    private static Answer billingAccount(RoutingContext context) {
        return Answer.json(SimulatedUpstreamData.account(userId(context)).encode());
    }

    private static Answer recentOrders(RoutingContext context) {
        int limit = Params.intInRange("limit", context.request().getParam("limit"), DEFAULT_ORDERS_LIMIT, 1, MAX_ORDERS_LIMIT);
        return Answer.json(SimulatedUpstreamData.recentOrders(userId(context), limit).encode());
    }

    private static Answer recommendations(RoutingContext context) {
        return Answer.json(SimulatedUpstreamData.recommendations(userId(context)).encode());
    }

    private static Answer person(RoutingContext context) {
        long userId = userId(context);
        if (userId > SimulatedUpstreamData.DIRECTORY_MAX_ID) {
            return Answer.problem(new Problem(ProblemTypes.of("person-not-found"), "Person not found", 404,
                    "The directory has no person " + userId));
        }
        return Answer.json(SimulatedUpstreamData.person(userId).encode());
    }

    private static long userId(RoutingContext context) {
        return Params.positiveId("userId", context.pathParam("userId"));
    }

    private static Duration latencyWithJitter(UpstreamBehaviour behaviour) {
        long jitterMillis = ThreadLocalRandom.current().nextLong(behaviour.jitter().toMillis() + 1);
        return behaviour.latency().plusMillis(jitterMillis);
    }

    private static void after(RoutingContext context, Duration delay, Runnable action) {
        if (delay.toMillis() < 1) { // Vert.x timers take at least a millisecond
            action.run();
            return;
        }
        long timer = context.vertx().setTimer(delay.toMillis(), fired -> action.run());
        // A caller that gives up takes its pending answer with it: no timer outlives its request.
        context.addEndHandler(ended -> context.vertx().cancelTimer(timer));
    }

    private static void send(RoutingContext context, Answer answer) {
        if (context.response().ended() || context.response().closed()) {
            return;
        }
        context.response()
                .setStatusCode(answer.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, answer.contentType())
                .end(answer.body());
    }

    /**
     * Drops the connection the way a crashed upstream or a proxy does: with an RST, which
     * a zero linger makes {@code close()} send, rather than an orderly FIN. Reaching the
     * channel takes a Vert.x internal class; where that is not there, a plain close still fails the call.
     */
    private static void reset(RoutingContext context) {
        HttpConnection connection = context.request().connection();
        if (connection instanceof ConnectionBase base) {
            base.channel().config().setOption(ChannelOption.SO_LINGER, 0);
        }
        connection.close();
    }

    /** One upstream: where it answers, how it behaves, and what it says. */
    private record SimulatedUpstream(String name, String path, UpstreamBehaviour behaviour,
            Function<RoutingContext, Answer> answerer) {

        String route() {
            return PREFIX + "/" + name + path;
        }

        /** For the start-up log line: every knob, so that a developer sees what dev mode is doing. */
        String describe() {
            return String.format("%s (latency %dms, jitter %dms, failure-rate %s, failure-mode %s)", name,
                    behaviour.latency().toMillis(), behaviour.jitter().toMillis(), behaviour.failureRate(),
                    behaviour.failureMode().name().toLowerCase());
        }
    }

    /** What a simulated upstream answers, before its behaviour decides whether and when. */
    private record Answer(int status, String contentType, String body) {

        static Answer json(String body) {
            return new Answer(200, "application/json", body);
        }

        static Answer problem(Problem problem) {
            return new Answer(problem.status(), Problem.MEDIA_TYPE, Json.encode(problem));
        }

        /** The same answer with its body cut off mid-way: still a 200 that says JSON, but not parseable. */
        Answer cutInHalf() {
            return new Answer(status, contentType, body.substring(0, body.length() / 2));
        }
    }
}
