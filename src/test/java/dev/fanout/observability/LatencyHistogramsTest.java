package dev.fanout.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;

class LatencyHistogramsTest {

    private static final String NAMED = "fanout.test.named";
    private static final String OTHER = "fanout.test.other";

    @Test
    void aNamedTimerGetsTheHistogramFromOneMillisecondToThirtySeconds() {
        var configured = LatencyHistograms.of(NAMED).configure(timer(NAMED), DistributionStatisticConfig.DEFAULT);

        assertThat(configured.isPercentileHistogram()).isTrue();
        assertThat(configured.getMinimumExpectedValueAsDouble()).isEqualTo(Duration.ofMillis(1).toNanos());
        assertThat(configured.getMaximumExpectedValueAsDouble()).isEqualTo(Duration.ofSeconds(30).toNanos());
    }

    @Test
    void anyOtherMeterIsLeftAsItWas() {
        var configured = LatencyHistograms.of(NAMED).configure(timer(OTHER), DistributionStatisticConfig.DEFAULT);

        assertThat(configured).isSameAs(DistributionStatisticConfig.DEFAULT);
    }

    private static Meter.Id timer(String name) {
        return new Meter.Id(name, Tags.empty(), null, null, Meter.Type.TIMER);
    }
}
