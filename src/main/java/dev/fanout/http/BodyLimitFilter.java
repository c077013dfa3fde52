package dev.fanout.http;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import dev.fanout.problem.Problem;
import dev.fanout.problem.ProblemTypes;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses a declared oversized API body with a 413 problem before anything reads it.
 *
 * <p>Two limits: API routes take {@code fanout.http.max-api-body-size} (64 KiB), while
 * the Lambda Web Adapter's pass-through paths ({@code /events/...}) take anything Lambda
 * can deliver (Quarkus's own {@code quarkus.http.limits.max-body-size}, 6 MiB). An SQS
 * batch refused there would come back without {@code batchItemFailures}, which Lambda
 * reads as "all succeeded": the messages would be lost. A body without a Content-Length
 * (chunked) is not declared, so only Vert.x's outer limit bounds it, on every path.
 */
@Singleton
public class BodyLimitFilter {

    private final long maxBodyBytes;

    static final String EVENTS_PREFIX = "/events/";

    public BodyLimitFilter(@ConfigProperty(name = "fanout.http.max-api-body-size") MemorySize maxApiBodySize) {
        this.maxBodyBytes = maxApiBodySize.asLongValue();
    }

    void refuseOversizedBody(RoutingContext context) {
        String declared = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declared != null && !context.request().path().startsWith(EVENTS_PREFIX) && exceedsLimit(declared)) {
            new Problem(ProblemTypes.ABOUT_BLANK, "Content Too Large", 413,
                    "The request body is larger than " + maxBodyBytes + " bytes").refuse(context.response());
            return;
        }
        context.next();
    }

    private boolean exceedsLimit(String declared) {
        try {
            return Long.parseLong(declared.trim()) > maxBodyBytes;
        } catch (NumberFormatException malformed) {
            return false; // Vert.x itself rejects a malformed Content-Length
        }
    }
}
