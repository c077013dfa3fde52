package dev.fanout.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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

    private static final String STANDARD = "/events/sqs-standard.json";
    private static final String FIFO = "/events/sqs-fifo.json";

    /** Messages of sqs-standard.json: users 1 and 2, a body that is not JSON, and user -3. */
    private static final String STANDARD_USER_1 = "059f36b4-87a3-44ab-83d2-661975830a7d";
    private static final String STANDARD_MALFORMED = "2e1424d4-f796-459a-8184-9c92662be6da";
    private static final String STANDARD_USER_2 = "5b1e8c44-3d3f-4c9e-9d0a-7a4f4f7f1c21";
    private static final String STANDARD_NON_POSITIVE = "8d7a3f5e-0c6b-4b3e-a2f4-6c0e9b7d1e55";

    /** Messages of sqs-fifo.json: group tenant-a holds users 1, 2, 3 and tenant-b users 4, 5, 6, interleaved. */
    private static final String GROUP_A_SECOND = "a2f1d4e3-2c8e-4f1f-8b62-1e4d6f8c0a02";
    private static final String GROUP_A_THIRD = "a3f2e5f4-3d9f-4a2a-9c73-2f5e7a9d1b03";

    private static final String GROUP = "tenant-c";
    private static final String REASON = "directory answered HTTP 500";

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void standardMessagesAreEachALaneOfTheirOwnAndMalformedOnesFailAlone() throws IOException {
        SqsBatch batch = SqsBatch.of(SqsMessage.listOf(fixture(STANDARD), json));

        assertThat(batch.userIds()).containsExactly(List.of(1L), List.of(2L));
        assertThat(failedMessages(batch.answer(List.of(List.of(synced(1)), List.of(synced(2))))))
                .containsExactly(STANDARD_MALFORMED, STANDARD_NON_POSITIVE)
                .doesNotContain(STANDARD_USER_1, STANDARD_USER_2);
    }

    @Test
    void aFifoGroupIsOneLaneInItsOrderWhateverTheInterleaving() throws IOException {
        SqsBatch batch = SqsBatch.of(SqsMessage.listOf(fixture(FIFO), json));

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
    void theAnswerNamesEveryFailedMessageOnceInTheEventsOrder() throws IOException {
        SqsBatch batch = SqsBatch.of(SqsMessage.listOf(fixture(FIFO), json));

        SqsBatchResponse answer = batch.answer(List.of(
                List.of(synced(1), failed(2), failed(3)),
                List.of(synced(4), synced(5), synced(6))));

        assertThat(failedMessages(answer)).containsExactly(GROUP_A_SECOND, GROUP_A_THIRD);
    }

    @Test
    void aGroupThatFullySucceedsFailsNothing() throws IOException {
        SqsBatch batch = SqsBatch.of(SqsMessage.listOf(fixture(FIFO), json));

        SqsBatchResponse answer = batch.answer(List.of(
                List.of(synced(1), synced(2), synced(3)),
                List.of(synced(4), synced(5), synced(6))));

        assertThat(answer.batchItemFailures()).isEmpty();
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

    private static String fixture(String resource) throws IOException {
        try (InputStream in = SqsBatchTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
