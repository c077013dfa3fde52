package dev.fanout.concurrent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class DeadlineTest {

    @Test
    void aBudgetBeyondTheClocksRangeIsCutNotOverflowed() {
        Deadline far = Deadline.after(Duration.ofMillis(99_999_999_999_999_999L));
        Deadline farBack = Deadline.startingAt(System.nanoTime(), Duration.ofMillis(-99_999_999_999_999_999L));

        assertThat(far.isExpired()).isFalse();
        assertThat(far.remaining()).isGreaterThan(Duration.ofDays(364)).isLessThanOrEqualTo(Deadline.LONGEST);
        assertThat(farBack.isExpired()).isTrue();
        assertThat(far.earliest(Deadline.after(Duration.ofSeconds(1)))).isNotSameAs(far);
    }
}
