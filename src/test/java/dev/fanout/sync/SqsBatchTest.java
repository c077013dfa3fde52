package dev.fanout.sync;

import static dev.fanout.sync.SqsFixtures.FIFO;
import static dev.fanout.sync.SqsFixtures.GROUP_A_SECOND;
import static dev.fanout.sync.SqsFixtures.GROUP_A_THIRD;
import static dev.fanout.sync.SqsFixtures.STANDARD;
import static dev.fanout.sync.SqsFixtures.STANDARD_MALFORMED;
import static dev.fanout.sync.SqsFixtures.STANDARD_NON_POSITIVE;
import static dev.fanout.sync.SqsFixtures.STANDARD_USER_1;
import static dev.fanout.sync.SqsFixtures.STANDARD_USER_2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * How an SQS event becomes lanes and how their outcomes become the answer, without Quarkus:
 * the event fixtures of {@code events/} read with a plain {@link ObjectMapper}. What a lane's
 * failure does to the rest of it is {@link BatchRunner}'s (see {@code BatchRunnerTest}); here
 * the outcomes are given as the processor would report them.
 */
class SqsBatchTest {

    private static final String GROUP = "tenant-c";
    private static final String REASON = "directory answered HTTP 500";

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void standardMessagesAreEachALaneOfTheirOwnAndMalformedOnesFailAlone() throws IOException {
        SqsBatch batch = SqsBatch.of(SqsMessage.listOf(SqsFixtures.read(STANDARD), json));

        assertThat(batch.userIds()).containsExactly(List.of(1L), List.of(2L));
        assertThat(failedMessages(batch.answer(List.of(List.of(synced(1)), List.of(synced(2))))))
                .containsExactly(STANDARD_MALFORMED, STANDARD_NON_POSITIVE)
                .doesNotContain(STANDARD_USER_1, STANDARD_USER_2);
    }

    @Test
    void aFifoGroupIsOneLaneInItsOrderWhateverTheInterleaving() throws IOException {
        SqsBatch batch = SqsBatch.of(SqsMessage.listOf(SqsFixtures.read(FIFO), json));

        assertThat(batch.userIds()).containsExactly(List.of(1L, 2L, 3L), List.of(4L, 5L, 6L));
    }

    @Test
    void standardMessagesComeFirstThenEachGroupInTheOrderItFirstAppears() {
        SqsBatch batch = SqsBatch.of(List.of(
                new SqsMessage("g2-1", "g2", 21L),
                new SqsMessage("s-1", null, 1L),
                new SqsMessage("g1-1", "g1", 11L),
                new SqsMessage("g2-2", "g2", 22L),
                new SqsMessage("s-2", null, 2L)));

        assertThat(batch.userIds()).containsExactly(List.of(1L), List.of(2L), List.of(21L, 22L), List.of(11L));
    }

    @Test
    void aMalformedMessageInAGroupCutsItsLaneThereAndFailsWithTheMessagesAfterIt() {
        SqsBatch batch = SqsBatch.of(List.of(
                new SqsMessage("c-1", GROUP, 1L),
                new SqsMessage("c-2", GROUP, null),
                new SqsMessage("c-3", GROUP, 3L)));

        assertThat(batch.userIds()).containsExactly(List.of(1L));
        assertThat(failedMessages(batch.answer(List.of(List.of(synced(1)))))).containsExactly("c-2", "c-3");
    }

    @Test
    void theAnswerNamesEveryFailedMessageInTheEventsOrderAndNoOther() throws IOException {
        SqsBatch batch = SqsBatch.of(SqsMessage.listOf(SqsFixtures.read(FIFO), json));

        assertThat(failedMessages(batch.answer(List.of(
                List.of(synced(1), failed(2), failed(3)),
                List.of(synced(4), synced(5), synced(6)))))).containsExactly(GROUP_A_SECOND, GROUP_A_THIRD);
        assertThat(failedMessages(batch.answer(List.of(
                List.of(synced(1), synced(2), synced(3)),
                List.of(synced(4), synced(5), synced(6)))))).isEmpty();
    }

    @Test
    void anEventWhoseMessagesCannotBeNamedIsUnreadable() {
        for (String event : List.of("not json", "[]", "{\"Records\":\"none\"}", "{\"Records\":[{\"body\":\"{\\\"userId\\\":1}\"}]}")) {
            assertThatThrownBy(() -> SqsMessage.listOf(event, json)).as(event)
                    .isInstanceOf(UnreadableSqsEventException.class);
        }
    }

    private static ItemOutcome synced(long userId) {
        return ItemOutcome.synced(userId);
    }

    private static ItemOutcome failed(long userId) {
        return ItemOutcome.failed(userId, REASON);
    }

    private static List<String> failedMessages(SqsBatchResponse answer) {
        return answer.batchItemFailures().stream().map(SqsBatchResponse.BatchItemFailure::itemIdentifier).toList();
    }
}
