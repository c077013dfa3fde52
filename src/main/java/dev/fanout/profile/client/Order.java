package dev.fanout.profile.client;

import java.time.Instant;

public record Order(String id, String total, String currency, Instant placedAt) {
}
