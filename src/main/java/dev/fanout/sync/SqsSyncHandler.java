package dev.fanout.sync;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fanout.concurrent.Deadline;
import dev.fanout.users.UserLimits;
import io.smallrye.mutiny.Uni;

/**
 * One SQS event, as the Lambda Web Adapter passes it through: each message's body is
 * {@code {"userId":1}}, and the answer names only the messages to retry.
 * <ul>
 * <li>A message whose body is not that fails on its own.</li>
 * <li>Standard queue: every message is independent (a user id sent twice is synced twice,
 * harmlessly: the upsert is idempotent).</li>
 * <li>FIFO queue ({@code attributes.MessageGroupId}): a group's messages run in their order,
 * and the first failure stops the group: its later messages fail too, so that SQS delivers
 * them again in order. Other groups go on.</li>
 * </ul>
 */
@ApplicationScoped
public class SqsSyncHandler {

    private static final Logger LOG = Logger.getLogger(SqsSyncHandler.class);

    private final SyncProcessor processor;
    private final ObjectMapper json;

    public SqsSyncHandler(SyncProcessor processor, ObjectMapper json) {
        this.processor = processor;
        this.json = json;
    }

    public Uni<SqsBatchResponse> handle(String event, Deadline deadline) {
        List<Message> messages = messagesOf(event);
        Set<String> refused = new HashSet<>();
        List<List<Message>> runnable = new ArrayList<>();
        for (List<Message> lane : lanesOf(messages)) {
            int firstMalformed = firstMalformed(lane);
            if (firstMalformed >= 0) {
                lane.subList(firstMalformed, lane.size()).forEach(message -> refused.add(message.id()));
                lane = lane.subList(0, firstMalformed);
            }
            if (!lane.isEmpty()) {
                runnable.add(lane);
            }
        }
        List<List<Long>> userIds = runnable.stream()
                .map(lane -> lane.stream().map(Message::userId).toList())
                .toList();
        return processor.syncInOrder(userIds, deadline)
                .map(outcomes -> answer(messages, refused, runnable, outcomes));
    }

    private static SqsBatchResponse answer(List<Message> messages, Set<String> refused, List<List<Message>> runnable,
            List<List<ItemOutcome>> outcomes) {
        Set<String> failed = new HashSet<>(refused);
        for (int lane = 0; lane < runnable.size(); lane++) {
            for (int item = 0; item < runnable.get(lane).size(); item++) {
                ItemOutcome outcome = outcomes.get(lane).get(item);
                if (!outcome.succeeded()) {
                    String messageId = runnable.get(lane).get(item).id();
                    LOG.debugf("SQS message %s (user %d) failed: %s", messageId, outcome.userId(), outcome.failure());
                    failed.add(messageId);
                }
            }
        }
        List<SqsBatchResponse.BatchItemFailure> failures = messages.stream()
                .map(Message::id)
                .filter(failed::contains)
                .distinct()
                .map(SqsBatchResponse.BatchItemFailure::new)
                .toList();
        LOG.infof("SQS batch of %d message(s): %d failed", messages.size(), failures.size());
        return new SqsBatchResponse(failures);
    }

    /** Standard messages each alone; a FIFO group's messages together, in their order. */
    private static List<List<Message>> lanesOf(List<Message> messages) {
        List<List<Message>> lanes = new ArrayList<>();
        Map<String, List<Message>> groups = new LinkedHashMap<>();
        for (Message message : messages) {
            if (message.groupId() == null) {
                lanes.add(List.of(message));
            } else {
                groups.computeIfAbsent(message.groupId(), group -> new ArrayList<>()).add(message);
            }
        }
        lanes.addAll(groups.values());
        return lanes;
    }

    private static int firstMalformed(List<Message> lane) {
        for (int i = 0; i < lane.size(); i++) {
            if (lane.get(i).userId() == null) {
                return i;
            }
        }
        return -1;
    }

    private List<Message> messagesOf(String event) {
        JsonNode records = readTree(event).path("Records");
        if (!records.isArray()) {
            throw new UnreadableSqsEventException("The event has no Records array");
        }
        List<Message> messages = new ArrayList<>();
        for (JsonNode record : records) {
            JsonNode messageId = record.path("messageId");
            if (!messageId.isTextual() || messageId.asText().isBlank()) {
                throw new UnreadableSqsEventException("A record of the event has no messageId");
            }
            JsonNode groupId = record.path("attributes").path("MessageGroupId");
            messages.add(new Message(messageId.asText(), groupId.isTextual() ? groupId.asText() : null,
                    userIdOf(messageId.asText(), record.path("body"))));
        }
        return messages;
    }

    /** The body's positive {@code userId}, or null (logged) when the body is not {@code {"userId":<id>}}. */
    private Long userIdOf(String messageId, JsonNode body) {
        if (!body.isTextual()) {
            LOG.warnf("SQS message %s has no body", messageId);
            return null;
        }
        JsonNode userId;
        try {
            userId = json.readTree(body.asText()).path("userId");
        } catch (JsonProcessingException malformed) {
            LOG.warnf("SQS message %s: the body is not JSON", messageId);
            return null;
        }
        if (!userId.isIntegralNumber() || !userId.canConvertToLong() || userId.asLong() <= 0
                || userId.asLong() > UserLimits.MAX_SYNCED_ID) {
            LOG.warnf("SQS message %s: the body has no userId from 1 to 2^53-1", messageId);
            return null;
        }
        return userId.asLong();
    }

    private JsonNode readTree(String event) {
        try {
            JsonNode root = event == null ? null : json.readTree(event);
            if (root == null || !root.isObject()) {
                throw new UnreadableSqsEventException("The event is not a JSON object");
            }
            return root;
        } catch (JsonProcessingException malformed) {
            throw new UnreadableSqsEventException("The event is not valid JSON");
        }
    }

    /** @param userId null when the body is malformed */
    private record Message(String id, String groupId, Long userId) {
    }
}
