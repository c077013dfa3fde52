package dev.fanout.profile.client;

public record Recommendation(String sku, double score) {
}
