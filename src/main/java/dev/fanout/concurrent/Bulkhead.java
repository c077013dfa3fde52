package dev.fanout.concurrent;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;

/**
 * At most {@code limit} pieces of work at once; past that, work is refused at once
 * rather than queued. A permit is returned however the work ends: item, failure
 * or cancellation.
 *
 * <p>Refusing instead of queueing is deliberate. A queue in front of a pooled client
 * holds requests that outlive their deadlines; and a request cancelled while it
 * waits for a pooled connection can lose that connection's slot (seen with the
 * Quarkus REST client under a cancel storm: the pool ends with no free slot and
 * every later call waits forever). Kept at or below the pool's size, a bulkhead
 * means the client never has a waiting request to cancel.
 */
public final class Bulkhead {

    private final int limit;
    private final AtomicInteger inUse = new AtomicInteger();

    public Bulkhead(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("a bulkhead needs at least one permit");
        }
        this.limit = limit;
    }

    public <T> Uni<T> run(Supplier<Uni<T>> work, Supplier<? extends Throwable> onFull) {
        return Uni.createFrom().deferred(() -> {
            if (!tryAcquire()) {
                return Uni.createFrom().failure(onFull::get);
            }
            AtomicBoolean released = new AtomicBoolean();
            return Uni.createFrom().deferred(work::get)
                    .onTermination().invoke(() -> release(released));
        });
    }

    public int inUse() {
        return inUse.get();
    }

    private boolean tryAcquire() {
        while (true) {
            int current = inUse.get();
            if (current >= limit) {
                return false;
            }
            if (inUse.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    private void release(AtomicBoolean released) {
        if (released.compareAndSet(false, true)) {
            inUse.decrementAndGet();
        }
    }
}
