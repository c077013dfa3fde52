package dev.fanout.profile.client;

/** billing's answer; money stays a decimal string, as billing sends it. */
public record BillingAccount(long userId, String balance, String currency, String status) {
}
