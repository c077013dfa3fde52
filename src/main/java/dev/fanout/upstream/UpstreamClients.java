package dev.fanout.upstream;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
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
 * a call's one span is {@link UpstreamCalls}' (a client span, described here), and its
 * context goes upstream from here.
 */
@ApplicationScoped
class UpstreamClients {

    private static final TextMapSetter<MultiMap> HEADERS = (headers, name, value) -> headers.set(name, value);
    private static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
    private static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    private static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");

    private final Vertx vertx;
    private final UpstreamConfig config;
    private final TextMapPropagator propagator;
    private final Map<String, UpstreamClient> clients = new ConcurrentHashMap<>();

    UpstreamClients(Vertx vertx, UpstreamConfig config, OpenTelemetry openTelemetry) {
        this.vertx = vertx;
        this.config = config;
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
    }

    /**
     * The upstream's client; its base URL is read on the first call only. No URL, or one this
     * client cannot call, fails the call as the upstream's failure; the log says why.
     */
    UpstreamClient of(String upstream, Optional<URI> url) {
        return clients.computeIfAbsent(upstream, name -> clientOf(name,
                url.orElseThrow(() -> new UpstreamFailureException(name, "has no URL configured", null))));
    }

    private UpstreamClient clientOf(String upstream, URI base) {
        String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || base.getHost() == null
                || base.getRawQuery() != null || base.getRawUserInfo() != null || base.getRawFragment() != null) {
            throw new UpstreamFailureException(upstream, "has an invalid URL", new IllegalArgumentException(
                    "fanout upstream URLs are http(s)://host[:port][/path], with a host name Java's URI accepts "
                            + "(no underscore), no query, user or fragment; got " + base));
        }
        boolean tls = scheme.equals("https");
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
        return new UpstreamClient(http, base.getHost(), port, basePath, propagator, config.readTimeout().toMillis());
    }

    /** An upstream's pooled client and where its paths go. */
    record UpstreamClient(HttpClient http, String host, int port, String basePath, TextMapPropagator propagator,
            long idleTimeoutMillis) {

        /** The call's span as a client span of this upstream (OpenTelemetry's HTTP conventions). */
        SpanBuilder span(SpanBuilder call) {
            return call.setSpanKind(SpanKind.CLIENT)
                    .setAttribute(HTTP_METHOD, "GET")
                    .setAttribute(SERVER_ADDRESS, host)
                    .setAttribute(SERVER_PORT, port);
        }

        /** A JSON {@code GET} of {@code pathAndQuery}, below the base path, carrying {@code callContext}'s trace. */
        RequestOptions get(String pathAndQuery, Long requestTimeoutMillis, Context callContext) {
            MultiMap headers = MultiMap.caseInsensitiveMultiMap().set(HttpHeaders.ACCEPT, "application/json");
            if (requestTimeoutMillis != null) {
                headers.set(UpstreamCalls.REQUEST_TIMEOUT_HEADER, Long.toString(requestTimeoutMillis));
            }
            propagator.inject(callContext, headers, HEADERS);
            return new RequestOptions().setMethod(HttpMethod.GET)
                    .setHost(host).setPort(port)
                    .setURI(basePath + pathAndQuery)
                    .setHeaders(headers)
                    .setIdleTimeout(idleTimeoutMillis);
        }
    }

    @PreDestroy
    void close() {
        clients.values().forEach(client -> client.http().close());
    }
}
