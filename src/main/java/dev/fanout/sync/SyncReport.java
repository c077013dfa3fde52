package dev.fanout.sync;

import java.util.List;

/** The answer of {@code POST /sync}: how many ids were synced, and why each of the others was not. */
public record SyncReport(int processed, List<FailedItem> failed) {

    public static SyncReport of(List<ItemOutcome> outcomes) {
        int processed = (int) outcomes.stream().filter(ItemOutcome::succeeded).count();
        List<FailedItem> failed = outcomes.stream()
                .filter(outcome -> !outcome.succeeded())
                .map(outcome -> new FailedItem(outcome.userId(), outcome.failure()))
                .toList();
        return new SyncReport(processed, failed);
    }

    public record FailedItem(long userId, String reason) {
    }
}
