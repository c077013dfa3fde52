package dev.fanout.profile.client;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** billing's answer; money stays a decimal string, as billing sends it. */
@RegisterForReflection // read from an upstream's JSON by UpstreamCalls, which no Quarkus extension sees
public record BillingAccount(long userId, String balance, String currency, String status) {
}
