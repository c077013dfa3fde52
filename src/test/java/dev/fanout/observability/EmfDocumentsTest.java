package dev.fanout.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class EmfDocumentsTest {

    private static final String NAMESPACE = "Fanout";
    private static final long NOW = 1_764_000_000_000L;
    private static final Map<String, Object> INVOCATION = Map.of("function_request_id", "8f5e3b1a-0000-4000-8000-000000000001",
            "xray_trace_id", "Root=1-6745a1b2-0123456789abcdef01234567;Sampled=1", "trace_id", "0af7651916cd43dd8448eb211c80319c");
    private static final Set<String> CLOUDWATCH_UNITS = Set.of("Milliseconds", "Count", "None");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final EmfDocuments documents = new EmfDocuments(NAMESPACE, Map.of("function", "profile"), Set.of("method"),
            List.of("http.", "fanout."));

    @Test
    void documentsFollowTheEmbeddedMetricFormat() {
        registry.counter("fanout.profile.degraded", "part", "orders").increment(2);
        timer("fanout.upstream.calls", "upstream", "billing", "outcome", "success").record(Duration.ofMillis(12));

        List<Map<String, Object>> emitted = documents.since(registry.getMeters(), NOW);

        assertThat(emitted).hasSize(2).allSatisfy(this::assertValidEmf);
        Map<String, Object> counter = only(emitted, "fanout.profile.degraded");
        assertThat(counter).containsEntry("function", "profile").containsEntry("part", "orders")
                .containsEntry("fanout.profile.degraded", 2.0);
        assertThat(directive(counter).get("Dimensions")).isEqualTo(List.of(List.of("function", "part")));
    }

    @Test
    void everyDocumentCarriesTheInvocationsIdsAsPropertiesNotDimensions() {
        registry.counter("fanout.profile.degraded", "part", "orders").increment();
        timer("fanout.upstream.calls", "upstream", "billing", "outcome", "success").record(Duration.ofMillis(12));

        List<Map<String, Object>> emitted = documents.since(registry.getMeters(), NOW, INVOCATION);

        assertThat(emitted).hasSize(2).allSatisfy(document -> {
            assertValidEmf(document);
            assertThat(document).containsAllEntriesOf(INVOCATION);
            assertThat(directive(document).get("Dimensions").toString()).doesNotContain("function_request_id", "trace_id");
        });
    }

    @Test
    void coldStartIsOneCountUnderTheFunctionDimensionOnly() {
        Map<String, Object> coldStart = documents.coldStart(NOW, INVOCATION);

        assertValidEmf(coldStart);
        assertThat(coldStart).containsEntry("ColdStart", 1.0).containsEntry("function", "profile")
                .containsAllEntriesOf(INVOCATION);
        assertThat(directive(coldStart).get("Dimensions")).isEqualTo(List.of(List.of("function")));
        assertThat(directive(coldStart).get("Metrics")).isEqualTo(List.of(Map.of("Name", "ColdStart", "Unit", "Count")));
    }

    @Test
    void countersAndTimersCarryOnlyWhatHappenedSinceTheLastFlush() {
        Counter counter = registry.counter("fanout.sync.items", "outcome", "failed");
        Timer timer = timer("http.server.requests", "uri", "/users/{id}", "status", "200");
        counter.increment(3);
        timer.record(Duration.ofMillis(5));
        documents.since(registry.getMeters(), NOW);

        counter.increment();
        timer.record(Duration.ofMillis(250));
        timer.record(Duration.ofMillis(250));
        List<Map<String, Object>> second = documents.since(registry.getMeters(), NOW + 1);

        assertThat(only(second, "fanout.sync.items")).containsEntry("fanout.sync.items", 1.0);
        @SuppressWarnings("unchecked")
        Map<String, List<Double>> distribution = (Map<String, List<Double>>) only(second, "http.server.requests")
                .get("http.server.requests");
        assertThat(distribution.get("Counts").stream().mapToDouble(Double::doubleValue).sum()).isEqualTo(2.0);
        assertThat(distribution.get("Values")).allSatisfy(value -> assertThat(value).isBetween(200.0, 400.0));
        assertThat(documents.since(registry.getMeters(), NOW + 2)).as("nothing new, nothing written").isEmpty();
    }

    @Test
    void excludedTagsAreNotDimensionsAndOtherMetersAreLeftOut() {
        timer("http.server.requests", "uri", "/sync", "method", "POST", "status", "200").record(Duration.ofMillis(3));
        registry.counter("jvm.gc.pause").increment();

        List<Map<String, Object>> emitted = documents.since(registry.getMeters(), NOW);

        assertThat(emitted).hasSize(1);
        assertThat(emitted.get(0)).doesNotContainKey("method").containsEntry("uri", "/sync");
    }

    @Test
    void noDocumentHoldsMoreThanOneHundredMetrics() {
        for (int i = 0; i < 250; i++) {
            registry.counter("fanout.test.meter" + i).increment();
        }

        List<Map<String, Object>> emitted = documents.since(registry.getMeters(), NOW);

        assertThat(emitted).hasSize(3).allSatisfy(this::assertValidEmf);
        assertThat(emitted).extracting(document -> metrics(document).size()).containsExactly(100, 100, 50);
    }

    private Timer timer(String name, String... tags) {
        return Timer.builder(name).tags(tags).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
    }

    /** What CloudWatch requires of an EMF document. */
    private void assertValidEmf(Map<String, Object> document) {
        @SuppressWarnings("unchecked")
        Map<String, Object> aws = (Map<String, Object>) document.get("_aws");
        assertThat(aws.get("Timestamp")).isInstanceOf(Long.class);
        Map<String, Object> directive = directive(document);
        assertThat(directive.get("Namespace")).isEqualTo(NAMESPACE);
        @SuppressWarnings("unchecked")
        List<List<String>> dimensionSets = (List<List<String>>) directive.get("Dimensions");
        assertThat(dimensionSets).isNotEmpty().allSatisfy(set -> {
            assertThat(set).hasSizeLessThanOrEqualTo(30);
            assertThat(set).allSatisfy(dimension -> assertThat(document.get(dimension)).isInstanceOf(String.class));
        });
        List<Map<String, String>> metrics = metrics(document);
        assertThat(metrics).isNotEmpty().hasSizeLessThanOrEqualTo(EmfDocuments.MAX_METRICS_PER_DOCUMENT);
        assertThat(metrics).allSatisfy(metric -> {
            assertThat(CLOUDWATCH_UNITS).contains(metric.get("Unit"));
            assertThat(document).containsKey(metric.get("Name"));
        });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> directive(Map<String, Object> document) {
        Map<String, Object> aws = (Map<String, Object>) document.get("_aws");
        return ((List<Map<String, Object>>) aws.get("CloudWatchMetrics")).get(0);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, String>> metrics(Map<String, Object> document) {
        return (List<Map<String, String>>) directive(document).get("Metrics");
    }

    private static Map<String, Object> only(List<Map<String, Object>> documents, String metric) {
        return documents.stream().filter(document -> document.containsKey(metric)).findFirst().orElseThrow();
    }
}
