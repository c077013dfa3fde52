package dev.fanout.local;

import java.lang.reflect.InvocationTargetException;
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
 * <p>The one class of this package that the production build keeps: Quarkus discovers
 * config source factories from {@code META-INF/services} on the build's class path, where no
 * build profile can hide them, and instantiates them in prod too. So this gate knows nothing
 * of the embedded server at compile time: outside dev and test it answers nothing, and only
 * there does it load {@link EmbeddedDatabase} by name. The production build leaves
 * {@code EmbeddedDatabase} (and zonky, provided scope) out of the jar and the native image
 * (application.properties, {@code %prod}); production fails at start-up with a message that
 * names the variables to set (see {@code FanoutMain}).
 */
public class LocalDatabaseConfigSourceFactory implements ConfigSourceFactory {

    private static final int ORDINAL = 150; // above application.properties, below env and system properties
    private static final String EMBEDDED_DATABASE = "dev.fanout.local.EmbeddedDatabase";
    static final String USER = "postgres";
    static final String DATABASE = "postgres";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        if (!isDevOrTest(context) || isConfigured(context, "quarkus.datasource.reactive.url")) {
            return List.of();
        }
        int port = startEmbeddedDatabase();
        String hostAndDb = "localhost:" + port + "/" + DATABASE;
        return List.of(new PropertiesConfigSource(Map.of(
                "quarkus.datasource.reactive.url", "postgresql://" + hostAndDb,
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://" + hostAndDb,
                "quarkus.datasource.username", USER,
                "quarkus.datasource.password", USER),
                "embedded-postgres", ORDINAL));
    }

    /** {@link EmbeddedDatabase#startOnce()}, by name: a reference would pull it into the native image. */
    private static int startEmbeddedDatabase() {
        try {
            return (int) Class.forName(EMBEDDED_DATABASE).getDeclaredMethod("startOnce").invoke(null);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(EMBEDDED_DATABASE + " is missing: it exists in dev mode and tests only", e);
        }
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
