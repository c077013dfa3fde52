package dev.fanout.observability;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;

/**
 * Turns cumulative Micrometer meters into CloudWatch Embedded Metric Format
 * documents holding what happened since the previous call: counters as deltas,
 * timers as {@code Values}/{@code Counts} distributions (so CloudWatch computes
 * p50/p95/p99 itself), gauges as their value. Meters with identical dimensions
 * share a document, at most {@value #MAX_METRICS_PER_DOCUMENT} metrics each.
 *
 * <p>Micrometer has no EMF registry (its maintainers declined one), and a push
 * registry flushes on a timer that a frozen Lambda sandbox never runs. This is
 * small on purpose: a reporter over the registry the app already has.
 * Not thread-safe; the caller serialises flushes.
 */
final class EmfDocuments {

    static final int MAX_METRICS_PER_DOCUMENT = 100;
    static final String COLD_START = "ColdStart";
    static final int MAX_VALUES_PER_METRIC = 100;

    private final String namespace;
    private final Map<String, String> fixedDimensions;
    private final Set<String> excludedTags;
    private final List<String> meterPrefixes;
    private final Map<Meter.Id, Previous> previous = new HashMap<>();

    EmfDocuments(String namespace, Map<String, String> fixedDimensions, Set<String> excludedTags, List<String> meterPrefixes) {
        this.namespace = namespace;
        this.fixedDimensions = Map.copyOf(fixedDimensions);
        this.excludedTags = Set.copyOf(excludedTags);
        this.meterPrefixes = List.copyOf(meterPrefixes);
    }

    /** The documents for everything recorded since the last call; empty when nothing changed. */
    List<Map<String, Object>> since(Iterable<Meter> meters, long timestampMillis) {
        return since(meters, timestampMillis, Map.of());
    }

    /**
     * The same, each document also carrying {@code properties}: values that are searchable in
     * CloudWatch Logs but are not dimensions (the invocation's request and trace ids, as
     * Powertools adds them), so that a metric point leads to its invocation's log lines.
     */
    List<Map<String, Object>> since(Iterable<Meter> meters, long timestampMillis, Map<String, Object> properties) {
        Map<Map<String, String>, List<Metric>> byDimensions = new LinkedHashMap<>();
        for (Meter meter : meters) {
            if (!isPublished(meter)) {
                continue;
            }
            Metric metric = metricOf(meter);
            if (metric != null) {
                byDimensions.computeIfAbsent(dimensionsOf(meter), key -> new ArrayList<>()).add(metric);
            }
        }
        List<Map<String, Object>> documents = new ArrayList<>();
        byDimensions.forEach((dimensions, metrics) -> {
            for (int from = 0; from < metrics.size(); from += MAX_METRICS_PER_DOCUMENT) {
                List<Metric> chunk = metrics.subList(from, Math.min(metrics.size(), from + MAX_METRICS_PER_DOCUMENT));
                documents.add(document(dimensions, chunk, timestampMillis, properties));
            }
        });
        return documents;
    }

    private boolean isPublished(Meter meter) {
        String name = meter.getId().getName();
        return meterPrefixes.stream().anyMatch(name::startsWith);
    }

    private Map<String, String> dimensionsOf(Meter meter) {
        Map<String, String> dimensions = new TreeMap<>(fixedDimensions);
        for (Tag tag : meter.getId().getTagsAsIterable()) {
            if (!excludedTags.contains(tag.getKey())) {
                dimensions.put(tag.getKey(), tag.getValue());
            }
        }
        return dimensions;
    }

    private Metric metricOf(Meter meter) {
        if (meter instanceof Timer timer) {
            return distribution(meter, timer.takeSnapshot(), "Milliseconds");
        }
        if (meter instanceof DistributionSummary summary) {
            return distribution(meter, summary.takeSnapshot(), "None");
        }
        if (meter instanceof Counter counter) {
            return countDelta(meter, counter.count());
        }
        if (meter instanceof FunctionCounter counter) {
            return countDelta(meter, counter.count());
        }
        if (meter instanceof Gauge gauge) {
            double value = gauge.value();
            return Double.isFinite(value) ? new Metric(meter.getId().getName(), "None", value) : null;
        }
        return null;
    }

    private Metric countDelta(Meter meter, double cumulative) {
        Previous last = previous.getOrDefault(meter.getId(), Previous.NONE);
        previous.put(meter.getId(), new Previous(cumulative, 0, new double[0]));
        double delta = cumulative - last.count;
        return delta > 0 ? new Metric(meter.getId().getName(), "Count", delta) : null;
    }

    /**
     * A distribution since the last flush. With histogram buckets, each non-empty bucket
     * becomes a value (its upper bound) and its count; without, the mean stands for all.
     */
    private Metric distribution(Meter meter, HistogramSnapshot snapshot, String unit) {
        boolean millis = unit.equals("Milliseconds");
        Previous last = previous.getOrDefault(meter.getId(), Previous.NONE);
        double total = millis ? snapshot.total(TimeUnit.MILLISECONDS) : snapshot.total();
        CountAtBucket[] buckets = snapshot.histogramCounts();
        double[] cumulativeCounts = new double[buckets.length];
        for (int i = 0; i < buckets.length; i++) {
            cumulativeCounts[i] = buckets[i].count();
        }
        previous.put(meter.getId(), new Previous(snapshot.count(), total, cumulativeCounts));

        double count = snapshot.count() - last.count;
        if (count <= 0) {
            return null;
        }
        List<Double> values = new ArrayList<>();
        List<Double> counts = new ArrayList<>();
        double below = 0;
        double belowBefore = 0;
        for (int i = 0; i < buckets.length && values.size() < MAX_VALUES_PER_METRIC; i++) {
            double inBucket = (cumulativeCounts[i] - below) - (valueAt(last.buckets, i) - belowBefore);
            below = cumulativeCounts[i];
            belowBefore = valueAt(last.buckets, i);
            if (inBucket > 0) {
                values.add(millis ? buckets[i].bucket(TimeUnit.MILLISECONDS) : buckets[i].bucket());
                counts.add(inBucket);
            }
        }
        double counted = counts.stream().mapToDouble(Double::doubleValue).sum();
        if (counted < count) { // above the last bucket, or no histogram at all: the mean stands for the rest
            values.add((total - last.total) / count);
            counts.add(count - counted);
        }
        return new Metric(meter.getId().getName(), unit, Map.of("Values", values, "Counts", counts));
    }

    private static double valueAt(double[] values, int index) {
        return index < values.length ? values[index] : 0;
    }

    /**
     * Powertools' {@code ColdStart}: a count of 1 on an instance's first invocation, in a document
     * of its own with only the fixed dimensions, so that cold starts are counted per function
     * however the invocation's other meters are tagged.
     */
    Map<String, Object> coldStart(long timestampMillis, Map<String, Object> properties) {
        return document(new TreeMap<>(fixedDimensions), List.of(new Metric(COLD_START, "Count", 1.0)), timestampMillis,
                properties);
    }

    private Map<String, Object> document(Map<String, String> dimensions, List<Metric> metrics, long timestampMillis,
            Map<String, Object> properties) {
        List<Map<String, String>> definitions = new ArrayList<>();
        Map<String, Object> document = new LinkedHashMap<>();
        for (Metric metric : metrics) {
            definitions.add(Map.of("Name", metric.name, "Unit", metric.unit));
            document.put(metric.name, metric.value);
        }
        Map<String, Object> directive = new LinkedHashMap<>();
        directive.put("Namespace", namespace);
        directive.put("Dimensions", List.of(List.copyOf(dimensions.keySet())));
        directive.put("Metrics", definitions);
        Map<String, Object> aws = new LinkedHashMap<>();
        aws.put("Timestamp", timestampMillis);
        aws.put("CloudWatchMetrics", List.of(directive));
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("_aws", aws);
        root.putAll(properties);
        root.putAll(dimensions);
        root.putAll(document);
        return root;
    }

    private record Metric(String name, String unit, Object value) {
    }

    private record Previous(double count, double total, double[] buckets) {
        static final Previous NONE = new Previous(0, 0, new double[0]);
    }
}
