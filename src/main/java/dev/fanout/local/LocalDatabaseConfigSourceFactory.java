package dev.fanout.local;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * Points the datasource at an embedded PostgreSQL in dev mode and tests when no
 * datasource URL is configured, so that {@code ./mvnw quarkus:dev} and
 * {@code ./mvnw test} need no database of their own.
 *
 * <p>Inert in every other profile: the embedded server's classes are not even in the
 * production artifact (provided scope), and production fails at start-up with a
 * message that names the variables to set (see {@code FanoutMain}).
 */
public class LocalDatabaseConfigSourceFactory implements ConfigSourceFactory {

    private static final int ORDINAL = 150; // above application.properties, below env and system properties

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        if (!isDevOrTest(context) || isConfigured(context, "quarkus.datasource.reactive.url")) {
            return List.of();
        }
        int port = EmbeddedDatabase.startOnce();
        String hostAndDb = "localhost:" + port + "/" + EmbeddedDatabase.DATABASE;
        return List.of(new PropertiesConfigSource(Map.of(
                "quarkus.datasource.reactive.url", "postgresql://" + hostAndDb,
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://" + hostAndDb,
                "quarkus.datasource.username", EmbeddedDatabase.USER,
                "quarkus.datasource.password", EmbeddedDatabase.USER),
                "embedded-postgres", ORDINAL));
    }

    private static boolean isDevOrTest(ConfigSourceContext context) {
        List<String> profiles = context.getProfiles();
        return profiles.contains("dev") || profiles.contains("test");
    }

    private static boolean isConfigured(ConfigSourceContext context, String name) {
        ConfigValue value = context.getValue(name);
        return value != null && value.getValue() != null && !value.getValue().isBlank();
    }
}
