package dev.fanout.profile.client;

import java.time.Instant;

import io.quarkus.runtime.annotations.RegisterForReflection;

@RegisterForReflection // read from an upstream's JSON by UpstreamCalls, which no Quarkus extension sees
public record Order(String id, String total, String currency, Instant placedAt) {
}
