package dev.fanout.upstream;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.tracing.TracingPolicy;

/**
 * One pooled Vert.x {@link HttpClient} per upstream, made on its first call from its base URL
 * and {@link UpstreamConfig}'s pool settings. Vert.x's own tracing is off for these clients:
 * a call's one span is {@link UpstreamCalls}', and its context goes upstream from here.
 */
@ApplicationScoped
class UpstreamClients {

    private static final TextMapSetter<MultiMap> HEADERS = (headers, name, value) -> headers.set(name, value);

    private final Vertx vertx;
    private final UpstreamConfig config;
    private final TextMapPropagator propagator;
    private final Map<String, UpstreamClient> clients = new ConcurrentHashMap<>();

    UpstreamClients(Vertx vertx, UpstreamConfig config, OpenTelemetry openTelemetry) {
        this.vertx = vertx;
        this.config = config;
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
    }

    /** The upstream's client; its base URL is read on the first call only. */
    UpstreamClient of(String upstream, URI base) {
        return clients.computeIfAbsent(upstream, name -> clientOf(name, base));
    }

    private UpstreamClient clientOf(String upstream, URI base) {
        boolean tls = "https".equalsIgnoreCase(base.getScheme());
        HttpClientOptions options = new HttpClientOptions()
                .setSsl(tls)
                .setConnectTimeout(Math.toIntExact(config.connectTimeout().toMillis()))
                .setKeepAlive(true)
                .setKeepAliveTimeout(Math.toIntExact(Math.max(1, config.keepAliveTimeout().toSeconds())))
                .setTracingPolicy(TracingPolicy.IGNORE)
                .setName("upstream-" + upstream);
        HttpClient http = vertx.httpClientBuilder()
                .with(options)
                .with(new PoolOptions().setHttp1MaxSize(config.connectionPoolSize()))
                // A connection's failure (the upstream's reset, say) also fails the request on it, which
                // answers it as the upstream's failure; without a handler Vert.x would log each as an ERROR.
                .withConnectHandler(connection -> connection.exceptionHandler(ignored -> {
                }))
                .build();
        int port = base.getPort() != -1 ? base.getPort() : tls ? 443 : 80;
        String basePath = base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/+$", "");
        return new UpstreamClient(http, base.getHost(), port, basePath);
    }

    /** An upstream's pooled client and where its paths go. */
    final class UpstreamClient {

        final HttpClient http;
        private final String host;
        private final int port;
        private final String basePath;

        private UpstreamClient(HttpClient http, String host, int port, String basePath) {
            this.http = http;
            this.host = host;
            this.port = port;
            this.basePath = basePath;
        }

        /** A JSON {@code GET} of {@code pathAndQuery}, below the base path, in {@code span}'s trace. */
        RequestOptions get(String pathAndQuery, Long requestTimeoutMillis, Span span) {
            MultiMap headers = MultiMap.caseInsensitiveMultiMap().set(HttpHeaders.ACCEPT, "application/json");
            if (requestTimeoutMillis != null) {
                headers.set(UpstreamCalls.REQUEST_TIMEOUT_HEADER, Long.toString(requestTimeoutMillis));
            }
            propagator.inject(Context.current().with(span), headers, HEADERS);
            return new RequestOptions().setMethod(HttpMethod.GET)
                    .setHost(host).setPort(port)
                    .setURI(basePath + pathAndQuery)
                    .setHeaders(headers)
                    .setIdleTimeout(config.readTimeout().toMillis());
        }
    }

    @PreDestroy
    void close() {
        clients.values().forEach(client -> client.http.close());
    }
}
