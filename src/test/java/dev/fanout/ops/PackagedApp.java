package dev.fanout.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * What the build packaged, as Quarkus records it in {@code target/quarkus-artifact.properties}:
 * the fast-jar after {@code ./mvnw package}, the native executable after {@code ./mvnw package -Dnative}.
 * The packaged-app ITs run whichever it is, as Quarkus' own {@code @QuarkusIntegrationTest} does.
 */
final class PackagedApp {

    private static final Path TARGET = Path.of("target");
    private static final Path ARTIFACT_PROPERTIES = TARGET.resolve("quarkus-artifact.properties");

    enum Kind { JAR, NATIVE }

    private PackagedApp() {
    }

    static Kind kind() throws IOException {
        return "native".equals(artifact().getProperty("type")) ? Kind.NATIVE : Kind.JAR;
    }

    /** The packaged artifact: quarkus-run.jar, or the native executable. */
    static Path path() throws IOException {
        Path path = TARGET.resolve(artifact().getProperty("path", ""));
        assertThat(path).as("the packaged application (%s); run ./mvnw verify (or verify -Dnative), which packages before the ITs",
                ARTIFACT_PROPERTIES).isRegularFile();
        return path;
    }

    /** The command that starts it in prod mode. */
    static List<String> launchCommand() throws IOException {
        Path path = path();
        if (kind() == Kind.NATIVE) {
            assertThat(Files.isExecutable(path)).as("%s is executable", path).isTrue();
            return List.of(path.toAbsolutePath().toString());
        }
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", path.toString());
    }

    private static Properties artifact() throws IOException {
        assertThat(ARTIFACT_PROPERTIES).as("written by the Quarkus build; run ./mvnw verify first").isRegularFile();
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(ARTIFACT_PROPERTIES)) {
            properties.load(reader);
        }
        return properties;
    }
}
