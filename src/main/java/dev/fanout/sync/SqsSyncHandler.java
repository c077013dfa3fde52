package dev.fanout.sync;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fanout.concurrent.Deadline;
import io.smallrye.mutiny.Uni;

/**
 * One SQS event, as the Lambda Web Adapter passes it through: its messages
 * ({@link SqsMessage}), run lane by lane as {@link SqsBatch} groups them, and the answer
 * that names only the messages to retry.
 */
@ApplicationScoped
public class SqsSyncHandler {

    private final SyncProcessor processor;
    private final ObjectMapper json;

    public SqsSyncHandler(SyncProcessor processor, ObjectMapper json) {
        this.processor = processor;
        this.json = json;
    }

    public Uni<SqsBatchResponse> handle(String event, Deadline deadline) {
        SqsBatch batch = SqsBatch.of(SqsMessage.listOf(event, json));
        return processor.syncInOrder(batch.userIds(), deadline)
                .map(batch::answer);
    }
}
