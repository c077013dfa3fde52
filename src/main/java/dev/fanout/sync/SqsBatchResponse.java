package dev.fanout.sync;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Lambda's partial batch response for SQS ({@code ReportBatchItemFailures}): only the
 * messages named here return to the queue; every other message of the batch is deleted.
 */
@RegisterForReflection
public record SqsBatchResponse(List<BatchItemFailure> batchItemFailures) {

    @RegisterForReflection
    public record BatchItemFailure(String itemIdentifier) {
    }
}
