package dev.fanout.sync;

import java.util.ArrayList;
import java.util.List;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fanout.users.UserLimits;

/**
 * One message of an SQS event, as sync reads it: its id, its FIFO group (null on a standard
 * queue) and the user id of its body {@code {"userId":1}}.
 *
 * @param userId null when the body is not that, which fails this message alone
 */
record SqsMessage(String id, String groupId, Long userId) {

    private static final Logger LOG = Logger.getLogger(SqsMessage.class);

    /** The event's messages in their order; an event whose messages cannot be named is {@link UnreadableSqsEventException}. */
    static List<SqsMessage> listOf(String event, ObjectMapper json) {
        JsonNode records = readTree(event, json).path("Records");
        if (!records.isArray()) {
            throw new UnreadableSqsEventException("The event has no Records array");
        }
        List<SqsMessage> messages = new ArrayList<>();
        for (JsonNode record : records) {
            JsonNode messageId = record.path("messageId");
            if (!messageId.isTextual() || messageId.asText().isBlank()) {
                throw new UnreadableSqsEventException("A record of the event has no messageId");
            }
            JsonNode groupId = record.path("attributes").path("MessageGroupId");
            messages.add(new SqsMessage(messageId.asText(), groupId.isTextual() ? groupId.asText() : null,
                    userIdOf(messageId.asText(), record.path("body"), json)));
        }
        return messages;
    }

    /** The body's positive {@code userId}, or null (logged) when the body is not {@code {"userId":<id>}}. */
    private static Long userIdOf(String messageId, JsonNode body, ObjectMapper json) {
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

    private static JsonNode readTree(String event, ObjectMapper json) {
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
}
