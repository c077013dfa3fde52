package dev.fanout.http;

import java.util.List;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fanout.database.IdleConnectionCheck;
import dev.fanout.lambda.LambdaContext;
import dev.fanout.observability.EmfPublisher;
import dev.fanout.observability.RequestLogContext;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Everything that runs before a resource, as one chain in this order:
 * <ol>
 * <li><b>budget</b>: the arrival stamp, {@code Request-Timeout} and the Lambda context,
 * each read once ({@link RequestBudget}); first, so that every wait after it counts
 * against the request's deadline;</li>
 * <li><b>draining</b>: after SIGTERM, new requests are refused ({@link DrainingFilter});</li>
 * <li><b>body limit</b>: a declared oversized body is refused before it is read
 * ({@link BodyLimitFilter});</li>
 * <li><b>admission</b>: load past what this instance can serve is shed, before any query or
 * upstream call ({@link Admission});</li>
 * <li><b>log context</b>: the invocation's ids go into the MDC ({@link RequestLogContext});</li>
 * <li><b>metrics flush</b>: on Lambda, the meters leave as EMF once the answer is written
 * ({@link EmfPublisher});</li>
 * <li><b>idle connection check</b>: after a pause (a frozen sandbox), the pooled connections
 * are pinged before a request can borrow a dead one ({@link IdleConnectionCheck}).</li>
 * </ol>
 * The router runs this first route in the event-loop turn in which Vert.x has parsed the
 * request's head, so the arrival stamp is as early as the server can take it.
 */
@Singleton
public class RequestEdge {

    /** Before every route of Quarkus and of the application. */
    private static final int FIRST = Integer.MIN_VALUE;

    private final RequestDeadlineConfig deadlines;
    private final ObjectMapper json;
    private final DrainingFilter draining;
    private final BodyLimitFilter bodyLimit;
    private final Admission admission;
    private final RequestLogContext logContext;
    private final EmfPublisher emf;
    private final IdleConnectionCheck idleConnections;

    public RequestEdge(RequestDeadlineConfig deadlines, ObjectMapper json, DrainingFilter draining, BodyLimitFilter bodyLimit,
            Admission admission, RequestLogContext logContext, EmfPublisher emf, IdleConnectionCheck idleConnections) {
        this.deadlines = deadlines;
        this.json = json;
        this.draining = draining;
        this.bodyLimit = bodyLimit;
        this.admission = admission;
        this.logContext = logContext;
        this.emf = emf;
        this.idleConnections = idleConnections;
    }

    void register(@Observes Router router) {
        List<Handler<RoutingContext>> chain = List.of(
                this::stampBudget,
                draining::refuseWhileDraining,
                bodyLimit::refuseOversizedBody,
                admission::admitOrShed,
                this::putLogContext,
                this::flushMetricsWhenAnswered,
                idleConnections::checkFirst);
        for (int step = 0; step < chain.size(); step++) {
            router.route().order(FIRST + step).handler(chain.get(step));
        }
    }

    private void stampBudget(RoutingContext context) {
        long arrival = System.nanoTime();
        var request = context.request();
        new RequestBudget(arrival, request.getHeader(RequestBudget.REQUEST_TIMEOUT_HEADER),
                LambdaContext.parse(json, request.getHeader(LambdaContext.HEADER)), deadlines)
                .stampOn(context);
        context.next();
    }

    private void putLogContext(RoutingContext context) {
        logContext.put(RequestBudget.of(context).lambda(), context.request().getHeader(RequestLogContext.REQUEST_CONTEXT_HEADER));
        context.next();
    }

    private void flushMetricsWhenAnswered(RoutingContext context) {
        if (emf.enabled()) {
            emf.flushWhenAnswered(context);
        }
        context.next();
    }
}
