package dev.fanout.observability;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fanout.lambda.LambdaContext;
import dev.fanout.lambda.SnapshotParticipant;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.vertx.core.Vertx;
import io.quarkus.runtime.StartupEvent;
import io.vertx.ext.web.RoutingContext;

/**
 * On Lambda, the meters leave as CloudWatch Embedded Metric Format lines on
 * standard output, flushed once per invocation when its answer is complete.
 * Nothing depends on a background push: a frozen sandbox runs no timers, and a
 * push after the answer might never happen. (Under the Web Adapter one invocation
 * is one HTTP request, the pass-through SQS and migrate events included.)
 * <p>
 * As Powertools does, each document carries the invocation's {@code function_request_id}
 * and trace ids as properties (searchable, not dimensions), and an instance's first
 * invocation adds a {@code ColdStart} count. A copy restored from a snapshot starts cold again.
 */
@Singleton
public class EmfPublisher implements SnapshotParticipant {

    /** Powertools' property names, so that existing Logs Insights queries find them. */
    static final String REQUEST_ID = "function_request_id";
    static final String XRAY_TRACE_ID = "xray_trace_id";
    /** The OpenTelemetry trace id, the one the app's log lines carry as mdc.traceId. */
    static final String TRACE_ID = "trace_id";
    /** The adapter forwards the invocation's X-Ray header as this request header too. */
    static final String XRAY_HEADER = "x-amzn-trace-id";

    private static final Logger LOG = Logger.getLogger(EmfPublisher.class);
    /** The adapter's readiness polls are not invocations. */
    private static final String OPERATIONS_PREFIX = "/q/";

    private final boolean enabled;
    private final MeterRegistry registry;
    private final ObjectMapper json;
    private final Vertx vertx;
    private final EmfDocuments documents;
    private final PrintStream out = System.out;
    private final AtomicLong flushes = new AtomicLong();
    private final AtomicBoolean coldStart = new AtomicBoolean(true);
    private volatile List<Map<String, Object>> lastFlushed = List.of();

    public EmfPublisher(EmfConfig config, MeterRegistry registry, ObjectMapper json, Vertx vertx) {
        this.enabled = config.enabled().orElse(isLambda());
        this.registry = registry;
        this.json = json;
        this.vertx = vertx;
        this.documents = new EmfDocuments(config.namespace(), Map.of("function", config.function()),
                new HashSet<>(config.excludedTags()), config.meterPrefixes());
    }

    static boolean isLambda() {
        return System.getenv("AWS_LAMBDA_FUNCTION_NAME") != null;
    }

    void announce(@Observes StartupEvent start) {
        if (enabled) {
            LOG.info("Metrics leave as CloudWatch EMF on standard output, once per invocation");
        }
    }

    /**
     * Flushes after the answer is written (the request edge calls this when EMF is on). The
     * flush waits for the next turn of the event loop, so that the server's own meters for
     * this request are recorded first.
     */
    public void flushWhenAnswered(RoutingContext context) {
        if (!context.request().path().startsWith(OPERATIONS_PREFIX)) {
            Map<String, Object> properties = invocationProperties(context);
            boolean cold = coldStart.getAndSet(false);
            context.addEndHandler(ended -> vertx.runOnContext(ignored -> flush(properties, cold)));
        }
    }

    /** The invocation's ids, read as it starts (the trace's span is current here, not after the answer). */
    private Map<String, Object> invocationProperties(RoutingContext context) {
        Map<String, Object> properties = new LinkedHashMap<>();
        Optional<LambdaContext> lambda = LambdaContext.parse(json, context.request().getHeader(LambdaContext.HEADER));
        lambda.map(LambdaContext::requestId).ifPresent(id -> properties.put(REQUEST_ID, id));
        String xray = context.request().getHeader(XRAY_HEADER);
        if (xray == null) {
            xray = lambda.map(LambdaContext::xrayTraceId).orElse(null);
        }
        if (xray != null && !xray.isBlank()) {
            properties.put(XRAY_TRACE_ID, xray);
        }
        SpanContext span = Span.current().getSpanContext();
        if (span.isValid()) {
            properties.put(TRACE_ID, span.getTraceId());
        }
        return properties;
    }

    /** Writes what happened since the last flush (gauges: their current value); answers the documents written. */
    public List<Map<String, Object>> flush() {
        return flush(Map.of(), false);
    }

    /** The same for one invocation: its ids on every document, and ColdStart if it was the instance's first. */
    synchronized List<Map<String, Object>> flush(Map<String, Object> properties, boolean coldStart) {
        long now = System.currentTimeMillis();
        List<Map<String, Object>> pending = new ArrayList<>();
        if (coldStart) {
            pending.add(documents.coldStart(now, properties));
        }
        pending.addAll(documents.since(registry.getMeters(), now, properties));
        StringBuilder lines = new StringBuilder();
        for (Map<String, Object> document : pending) {
            try {
                lines.append(json.writeValueAsString(document)).append('\n');
            } catch (JsonProcessingException e) {
                LOG.warnf("An EMF document could not be written: %s", e.getMessage());
            }
        }
        out.print(lines); // one write: the lines of one flush stay together
        out.flush();
        lastFlushed = List.copyOf(pending);
        flushes.incrementAndGet();
        return pending;
    }

    public boolean enabled() {
        return enabled;
    }

    @Override
    public String name() {
        return "metrics";
    }

    /** A restored copy is a new instance: its first invocation is a cold start. */
    @Override
    public void afterRestore() {
        coldStart.set(true);
    }

    /** The documents the last flush wrote, as they were written. */
    public List<Map<String, Object>> lastFlushed() {
        return lastFlushed;
    }

    /** How many flushes ran: one per invocation. */
    public long flushes() {
        return flushes.get();
    }
}
