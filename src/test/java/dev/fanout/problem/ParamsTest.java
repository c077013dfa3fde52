package dev.fanout.problem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ParamsTest {

    private static final int DEFAULT_LIMIT = 50;
    private static final int MIN_LIMIT = 1;
    private static final int MAX_LIMIT = 200;

    @Test
    void aPositiveIdUpToTheLargestLongIsTaken() {
        assertThat(Params.positiveId("id", "1")).isEqualTo(1);
        assertThat(Params.positiveId("id", "0042")).isEqualTo(42);
        assertThat(Params.positiveId("id", Long.toString(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = { "0", "-1", "+1", "abc", "1.0", "1e3", " 1", "\u0661\u0662", "9223372036854775808",
            "99999999999999999999" })
    void anythingElseIsABadIdThatNamesTheParameter(String raw) {
        assertThatThrownBy(() -> Params.positiveId("after", raw)).isInstanceOf(InvalidParameterException.class)
                .hasMessage("after must be a positive integer");
    }

    @ParameterizedTest
    @NullAndEmptySource
    void anAbsentIntegerIsTheDefault(String raw) {
        assertThat(Params.intInRange("limit", raw, DEFAULT_LIMIT, MIN_LIMIT, MAX_LIMIT)).isEqualTo(DEFAULT_LIMIT);
    }

    @Test
    void anIntegerWithinTheRangeIsTakenBoundsIncluded() {
        assertThat(Params.intInRange("limit", "1", DEFAULT_LIMIT, MIN_LIMIT, MAX_LIMIT)).isEqualTo(1);
        assertThat(Params.intInRange("limit", "200", DEFAULT_LIMIT, MIN_LIMIT, MAX_LIMIT)).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = { "0", "201", "-5", "abc", "10000", "99999999999", " 5" })
    void anIntegerOutsideTheRangeOrNotAnIntegerSaysTheRange(String raw) {
        assertThatThrownBy(() -> Params.intInRange("limit", raw, DEFAULT_LIMIT, MIN_LIMIT, MAX_LIMIT))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessage("limit must be an integer from 1 to 200");
    }
}
