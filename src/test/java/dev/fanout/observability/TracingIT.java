package dev.fanout.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fanout.local.UpstreamStandIn;
import dev.fanout.support.OtlpReceiverStub;
import dev.fanout.support.OtlpReceiverStub.ReceivedSpan;
import dev.fanout.support.PackagedApp;
import dev.fanout.support.UpstreamUrls;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The packaged application exports its spans to an OTLP collector, configured as Terraform
 * configures it on AWS, and an incoming {@code X-Amzn-Trace-Id} (API Gateway's, Lambda's) is the
 * parent of our spans. The collector is a loopback OTLP/gRPC receiver, as the ADOT Lambda
 * layer's collector is on {@code localhost:4317}.
 */
class TracingIT {

    private static final Path POSTGRES_DIR = Path.of("target", "tracing-it-postgres");
    private static final Duration STARTUP = Duration.ofSeconds(90);
    /** An X-Ray trace header as API Gateway or Lambda passes it on, sampled. */
    private static final String XRAY_TRACE_ID = "5759e988bd862e3fe1be46a994272793";
    private static final String XRAY_PARENT = "53995c3f42cd8ad8";
    private static final String XRAY_HEADER = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=" + XRAY_PARENT + ";Sampled=1";

    private static EmbeddedPostgres postgres;
    private static OtlpReceiverStub collector;
    private static PackagedApp app;
    private static UpstreamStandIn upstreams;

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(POSTGRES_DIR);
        postgres = EmbeddedPostgres.builder()
                .setOverrideWorkingDirectory(POSTGRES_DIR.toAbsolutePath().toFile())
                .setPGStartupWait(STARTUP)
                .start();
        collector = OtlpReceiverStub.start();
        upstreams = UpstreamStandIn.start();
        Map<String, String> env = new HashMap<>(PackagedApp.database(postgres.getPort(), true));
        env.put("QUARKUS_FLYWAY_MIGRATE_AT_START", "true");
        // What infra/ sets when tracing is on; the exporter and the propagators are the build's own.
        env.put("QUARKUS_OTEL_TRACES_EXPORTER", "cdi");
        env.put("QUARKUS_OTEL_PROPAGATORS", "tracecontext,baggage,xray");
        env.put("QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", collector.url());
        env.put("QUARKUS_OTEL_BSP_SCHEDULE_DELAY", "PT0.2S"); // a test need not wait the default 5 s
        for (String upstream : UpstreamStandIn.UPSTREAMS) {
            env.put(UpstreamUrls.environmentVariable(upstream), upstreams.url(upstream));
        }
        app = PackagedApp.start(env, Path.of("target", "tracing-it.log"));
        app.awaitOk("/q/health/ready", STARTUP);
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (collector != null) {
            collector.close();
        }
        if (upstreams != null) {
            upstreams.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void anIncomingXrayTraceIsTheParentOfOurSpansAndTheyReachTheCollector() throws Exception {
        HttpResponse<String> missing = app.send(app.request("/users/999999").header("X-Amzn-Trace-Id", XRAY_HEADER).GET());
        assertThat(missing.statusCode()).isEqualTo(404);

        ReceivedSpan server = await().atMost(Duration.ofSeconds(20)).until(() -> serverSpanOf(XRAY_TRACE_ID), span -> span != null);

        assertThat(server.parentSpanId()).as("the X-Ray header's Parent").isEqualTo(XRAY_PARENT);
        assertThat(server.name()).contains("/users/{id}");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(collector.spans())
                .as("the query's span, a child of the request's")
                .anySatisfy(span -> {
                    assertThat(span.traceId()).isEqualTo(XRAY_TRACE_ID);
                    assertThat(span.parentSpanId()).isEqualTo(server.spanId());
                }));
        assertThat(collector.protocols()).contains("grpc");
    }

    /**
     * One client span per upstream call, ours, a child of the request's; each upstream request
     * names that span as its parent. The Quarkus REST client, before, added a second span per call.
     */
    @Test
    void eachUpstreamCallIsOneClientSpanWhoseContextTheRequestCarries() throws Exception {
        HttpResponse<String> created = app.send(app.request("/users").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"traced@example.com\",\"displayName\":\"Traced\",\"plan\":\"pro\"}")));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        long id = new ObjectMapper().readTree(created.body()).path("id").asLong();
        String traceId = "6e0c63257de34c92bf9efcd03927272e";
        upstreams.reset();

        HttpResponse<String> profile = app.send(app.request("/users/" + id + "/profile")
                .header("traceparent", "00-" + traceId + "-b7ad6b7169203331-01").GET());
        assertThat(profile.statusCode()).as(profile.body()).isEqualTo(200);

        ReceivedSpan server = await().atMost(Duration.ofSeconds(20)).until(() -> serverSpanOf(traceId), span -> span != null);
        for (String upstream : new String[] { "billing", "orders", "recommendations" }) {
            ReceivedSpan call = await().atMost(Duration.ofSeconds(20)).until(() -> collector.spans().stream()
                    .filter(span -> span.traceId().equals(traceId) && span.name().equals("upstream " + upstream))
                    .findFirst().orElse(null), span -> span != null);
            assertThat(call.kind()).as(upstream).isEqualTo(ReceivedSpan.KIND_CLIENT);
            assertThat(call.parentSpanId()).as(upstream + "'s parent").isEqualTo(server.spanId());
            assertThat(upstreams.exchanges(upstream)).singleElement()
                    .satisfies(exchange -> assertThat(exchange.traceparent).isEqualTo("00-" + traceId + "-" + call.spanId() + "-01"));
        }
        assertThat(collector.spans()).filteredOn(span -> span.traceId().equals(traceId))
                .as("no other span for an upstream call (the REST client's was a client span named after its method)")
                .noneMatch(span -> span.kind() == ReceivedSpan.KIND_CLIENT && span.name().startsWith("GET"));
    }

    @Test
    void aRequestWithoutTraceContextStartsATraceThatIsExported() throws Exception {
        int before = collector.spans().size();
        assertThat(app.send(app.request("/users?limit=1").GET()).statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(collector.spans().subList(before, collector.spans().size()))
                .anySatisfy(span -> {
                    assertThat(span.kind()).isEqualTo(ReceivedSpan.KIND_SERVER);
                    assertThat(span.parentSpanId()).isEmpty();
                    assertThat(span.name()).contains("/users");
                }));
    }

    @Test
    void theEnvironmentInfraSetsChangesNoBuildTimeProperty() throws Exception {
        // Quarkus warns when a build-time property is set to another value at run time: it would be ignored.
        assertThat(app.log()).doesNotContain("Build time property cannot be changed at runtime");
    }

    private static ReceivedSpan serverSpanOf(String traceId) {
        List<ReceivedSpan> spans = collector.spans();
        return spans.stream()
                .filter(span -> span.traceId().equals(traceId) && span.kind() == ReceivedSpan.KIND_SERVER)
                .findFirst()
                .orElse(null);
    }
}
