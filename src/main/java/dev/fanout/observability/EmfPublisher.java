package dev.fanout.observability;

import java.io.PrintStream;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.quarkus.runtime.StartupEvent;
import io.vertx.ext.web.RoutingContext;

/**
 * On Lambda, the meters leave as CloudWatch Embedded Metric Format lines on
 * standard output, flushed once per invocation when its answer is complete.
 * Nothing depends on a background push: a frozen sandbox runs no timers, and a
 * push after the answer might never happen. (Under the Web Adapter one invocation
 * is one HTTP request, the pass-through SQS and migrate events included.)
 */
@Singleton
public class EmfPublisher {

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
            context.addEndHandler(ended -> vertx.runOnContext(ignored -> flush()));
        }
    }

    /** Writes what happened since the last flush (gauges: their current value); answers the documents written. */
    public synchronized List<Map<String, Object>> flush() {
        List<Map<String, Object>> pending = documents.since(registry.getMeters(), System.currentTimeMillis());
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
        flushes.incrementAndGet();
        return pending;
    }

    public boolean enabled() {
        return enabled;
    }

    /** How many flushes ran: one per invocation. */
    public long flushes() {
        return flushes.get();
    }
}
