package dev.fanout.support;

import java.util.Locale;

/** Where each upstream's base URL is configured: beside the settings of the feature that calls it. */
public final class UpstreamUrls {

    private UpstreamUrls() {
    }

    /** {@code fanout.profile.billing.url}, {@code fanout.sync.directory.url}. */
    public static String configKey(String upstream) {
        String feature = "directory".equals(upstream) ? "sync" : "profile";
        return "fanout." + feature + "." + upstream + ".url";
    }

    /** The same as an environment variable ({@code FANOUT_PROFILE_BILLING_URL}). */
    public static String environmentVariable(String upstream) {
        return configKey(upstream).replace('.', '_').toUpperCase(Locale.ROOT);
    }
}
