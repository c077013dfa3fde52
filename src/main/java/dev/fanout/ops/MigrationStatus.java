package dev.fanout.ops;

/**
 * What the migrate function answers: the schema version now applied ({@code null} on an
 * empty database) and how many migrations are still pending (0 after a successful run).
 */
public record MigrationStatus(String schemaVersion, int pending) {
}
