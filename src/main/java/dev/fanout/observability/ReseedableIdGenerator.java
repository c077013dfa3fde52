package dev.fanout.observability;

import java.security.SecureRandom;
import java.util.SplittableRandom;

import jakarta.inject.Singleton;

import dev.fanout.lambda.SnapshotParticipant;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.sdk.trace.IdGenerator;

/**
 * Trace and span ids that copies restored from one snapshot do not share. OpenTelemetry's
 * default generator draws from {@code ThreadLocalRandom}, whose per-thread seeds are in the
 * snapshot: every copy restored from it would hand out the same "random" ids, in the same
 * order, and their traces would merge. Here each thread's generator is seeded from
 * {@link SecureRandom} (the kernel's entropy, which a restored VM renews), and after a
 * restore every thread takes a new seed before its next id. Quarkus uses an
 * {@link IdGenerator} bean in place of its default.
 */
@Singleton
public class ReseedableIdGenerator implements IdGenerator, SnapshotParticipant {

    private final SecureRandom seeds = new SecureRandom();
    private volatile long generation;
    private final ThreadLocal<Seeded> local = new ThreadLocal<>();

    @Override
    public String generateSpanId() {
        SplittableRandom random = random();
        long id;
        do {
            id = random.nextLong();
        } while (id == 0);
        return SpanId.fromLong(id);
    }

    @Override
    public String generateTraceId() {
        SplittableRandom random = random();
        long high = random.nextLong();
        long low;
        do {
            low = random.nextLong();
        } while (low == 0);
        return TraceId.fromLongs(high, low);
    }

    private SplittableRandom random() {
        Seeded seeded = local.get();
        long now = generation;
        if (seeded == null || seeded.generation != now) {
            seeded = new Seeded(now, new SplittableRandom(seeds.nextLong()));
            local.set(seeded);
        }
        return seeded.random;
    }

    @Override
    public String name() {
        return "trace ids";
    }

    /** Every thread reseeds before its next id. */
    @Override
    public void afterRestore() {
        generation++;
    }

    private record Seeded(long generation, SplittableRandom random) {
    }
}
