package dev.fanout.profile.client;

import io.quarkus.runtime.annotations.RegisterForReflection;

@RegisterForReflection // read from an upstream's JSON by UpstreamCalls, which no Quarkus extension sees
public record Recommendation(String sku, double score) {
}
