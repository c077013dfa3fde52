package dev.fanout.http;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

import io.smallrye.config.ConfigMapping;

/** When the edge sheds requests before any work is done ({@link Admission}). */
@ConfigMapping(prefix = "fanout.http.admission")
public interface AdmissionConfig {

    /**
     * Whether the edge sheds at all. By default on, except on Lambda, where the Web Adapter
     * sends one request at a time and a frozen instance would read its sleep as lag.
     */
    Optional<Boolean> enabled();

    /**
     * How far behind the event loops may stay, for a whole {@link #interval()}, before new
     * requests are refused. A request waits this long in front of the app before it is read,
     * so it bounds the queueing that a deadline must absorb.
     */
    Duration maxLag();

    /**
     * How long the shortest wait in a pool's line (database connections, an upstream's
     * connections) may be over an interval before new requests are refused: a line that never
     * empties holds work that will outlive its deadline.
     */
    Duration maxWait();

    /** The window over which the lowest lag counts: a pause shorter than this never sheds. */
    Duration interval();

    /**
     * How many API requests run at once; the rest wait at the edge, within their deadlines.
     * By default 128 per core (256 on two cores, the concurrency at which this instance served
     * its most with no refusal: README, Performance); 0 for no cap. Off with shedding itself.
     */
    OptionalInt maxInFlight();
}
