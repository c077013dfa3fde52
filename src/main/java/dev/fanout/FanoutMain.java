package dev.fanout;

import java.util.List;

import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The entry point of every function. Before Quarkus starts, a production launch
 * checks that the database is configured and, if not, says which variables to
 * set, instead of the datasource internals Quarkus would report.
 * (Dev mode and tests start an embedded PostgreSQL instead; see dev.fanout.local.)
 */
@QuarkusMain
public class FanoutMain {

    private static final String REACTIVE_URL = "quarkus.datasource.reactive.url";
    private static final String JDBC_URL = "quarkus.datasource.jdbc.url";

    public static void main(String... args) {
        if (LaunchMode.current() == LaunchMode.NORMAL) {
            List<String> missing = requiredProperties().stream().filter(FanoutMain::isMissing).toList();
            if (!missing.isEmpty()) {
                // Logging is not set up before Quarkus runs; standard error reaches CloudWatch all the same.
                System.err.printf("ERROR fanout: the database is not configured: set %s "
                        + "(postgresql://host:5432/db; for migrations also jdbc:postgresql://host:5432/db), "
                        + "and QUARKUS_DATASOURCE_USERNAME / QUARKUS_DATASOURCE_PASSWORD.%n",
                        String.join(" and ", missing.stream().map(FanoutMain::envName).toList()));
                System.exit(1);
            }
        }
        Quarkus.run(args);
    }

    /** The functions use the reactive pool; only a migrating launch needs JDBC (for Flyway). */
    private static List<String> requiredProperties() {
        boolean migrates = ConfigProvider.getConfig().getOptionalValue("quarkus.flyway.migrate-at-start", Boolean.class)
                .orElse(false);
        return migrates ? List.of(REACTIVE_URL, JDBC_URL) : List.of(REACTIVE_URL);
    }

    private static boolean isMissing(String property) {
        return ConfigProvider.getConfig().getOptionalValue(property, String.class).filter(v -> !v.isBlank()).isEmpty();
    }

    private static String envName(String property) {
        return property.toUpperCase().replace('.', '_');
    }
}
