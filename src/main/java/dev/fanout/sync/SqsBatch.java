package dev.fanout.sync;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jboss.logging.Logger;

/**
 * An SQS event's messages as lanes to sync, and the answer that names only the messages
 * to retry:
 * <ul>
 * <li>Standard queue: every message is a lane of its own (a user id sent twice is synced
 * twice, harmlessly: the upsert is idempotent).</li>
 * <li>FIFO queue ({@code MessageGroupId}): a group's messages are one lane, in their order;
 * the first failure stops the lane, so its later messages fail too and SQS delivers them
 * again in order. Other lanes go on.</li>
 * <li>A message whose body names no user fails on its own, and, in a group, stops it there:
 * the lane runs only up to it.</li>
 * </ul>
 * Plain Java, so the grouping is tested without Quarkus ({@code SqsBatchTest}).
 */
final class SqsBatch {

    private static final Logger LOG = Logger.getLogger(SqsBatch.class);

    private final List<SqsMessage> messages;
    private final Set<String> refused;
    private final List<List<SqsMessage>> lanes;

    private SqsBatch(List<SqsMessage> messages, Set<String> refused, List<List<SqsMessage>> lanes) {
        this.messages = messages;
        this.refused = refused;
        this.lanes = lanes;
    }

    static SqsBatch of(List<SqsMessage> messages) {
        Set<String> refused = new HashSet<>();
        List<List<SqsMessage>> runnable = new ArrayList<>();
        for (List<SqsMessage> lane : lanesOf(messages)) {
            int firstMalformed = firstMalformed(lane);
            if (firstMalformed >= 0) {
                lane.subList(firstMalformed, lane.size()).forEach(message -> refused.add(message.id()));
                lane = lane.subList(0, firstMalformed);
            }
            if (!lane.isEmpty()) {
                runnable.add(lane);
            }
        }
        return new SqsBatch(messages, refused, runnable);
    }

    /** The user ids to sync, lane by lane, each lane in its order. */
    List<List<Long>> userIds() {
        return lanes.stream()
                .map(lane -> lane.stream().map(SqsMessage::userId).toList())
                .toList();
    }

    /** @param outcomes one per user id of {@link #userIds()}, in the same shape */
    SqsBatchResponse answer(List<List<ItemOutcome>> outcomes) {
        Set<String> failed = new HashSet<>(refused);
        for (int lane = 0; lane < lanes.size(); lane++) {
            for (int item = 0; item < lanes.get(lane).size(); item++) {
                ItemOutcome outcome = outcomes.get(lane).get(item);
                if (!outcome.succeeded()) {
                    String messageId = lanes.get(lane).get(item).id();
                    LOG.debugf("SQS message %s (user %d) failed: %s", messageId, outcome.userId(), outcome.failure());
                    failed.add(messageId);
                }
            }
        }
        List<SqsBatchResponse.BatchItemFailure> failures = messages.stream()
                .map(SqsMessage::id)
                .filter(failed::contains)
                .distinct()
                .map(SqsBatchResponse.BatchItemFailure::new)
                .toList();
        LOG.infof("SQS batch of %d message(s): %d failed", messages.size(), failures.size());
        return new SqsBatchResponse(failures);
    }

    /** Standard messages each alone; a FIFO group's messages together, in their order. */
    private static List<List<SqsMessage>> lanesOf(List<SqsMessage> messages) {
        List<List<SqsMessage>> lanes = new ArrayList<>();
        Map<String, List<SqsMessage>> groups = new LinkedHashMap<>();
        for (SqsMessage message : messages) {
            if (message.groupId() == null) {
                lanes.add(List.of(message));
            } else {
                groups.computeIfAbsent(message.groupId(), group -> new ArrayList<>()).add(message);
            }
        }
        lanes.addAll(groups.values());
        return lanes;
    }

    private static int firstMalformed(List<SqsMessage> lane) {
        for (int i = 0; i < lane.size(); i++) {
            if (lane.get(i).userId() == null) {
                return i;
            }
        }
        return -1;
    }
}
