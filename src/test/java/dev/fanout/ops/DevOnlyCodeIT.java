package dev.fanout.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The production artifact carries no dev-only code: {@code dev.fanout.local} (embedded PostgreSQL,
 * upstream simulators) is dropped at build time ({@code %prod} in application.properties), but for
 * {@link #GATE}, the config source factory Quarkus discovers whatever the profile, which knows the
 * rest only by name. For the fast-jar that is every jar under {@code target/quarkus-app}; for a
 * native build it is the native image's own class path (the runner jar and its lib/), so the
 * classes cannot be in the executable either.
 */
class DevOnlyCodeIT {

    private static final String DEV_ONLY_PACKAGE = "dev/fanout/local/";
    /** Kept on purpose (see its comment): a stand-in that answers nothing outside dev and test. */
    private static final String GATE = DEV_ONLY_PACKAGE + "LocalDatabaseConfigSourceFactory.class";

    @Test
    void thePackagedApplicationHasNoDevOnlyClassesButTheGate() throws IOException {
        List<Path> jars = packagedJars();
        assertThat(jars).as("the packaged application's jars").isNotEmpty();

        List<String> devOnly = new ArrayList<>();
        for (Path jar : jars) {
            try (JarFile file = new JarFile(jar.toFile())) {
                file.stream().filter(entry -> !entry.isDirectory())
                        .filter(entry -> entry.getName().startsWith(DEV_ONLY_PACKAGE) && !entry.getName().equals(GATE))
                        .forEach(entry -> devOnly.add(jar.getFileName() + "!/" + entry.getName()));
            }
        }
        assertThat(devOnly).as("dev-only entries in the packaged application (application.properties lists what to leave out)")
                .isEmpty();
    }

    @Test
    void bothBuildTimeListsNameExactlyTheDevOnlyClasses() throws IOException {
        Properties config = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of("src", "main", "resources", "application.properties"))) {
            config.load(reader);
        }
        Set<String> expected = new TreeSet<>();
        Path compiled = Path.of("target", "classes", DEV_ONLY_PACKAGE);
        try (Stream<Path> classes = Files.list(compiled)) {
            classes.map(p -> DEV_ONLY_PACKAGE + p.getFileName()).forEach(expected::add);
        }
        // Guards the other checks against passing because the package moved or was renamed.
        assertThat(expected).contains(GATE, DEV_ONLY_PACKAGE + "UpstreamSimulators.class",
                DEV_ONLY_PACKAGE + "EmbeddedDatabase.class");
        expected.remove(GATE);

        assertThat(entries(config, "%prod.quarkus.class-loading.removed-resources.\"dev.fanout:fanout\""))
                .as("%prod removed-resources in application.properties").isEqualTo(expected);
        assertThat(entries(config, "%prod.quarkus.package.jar.user-configured-ignored-entries"))
                .as("%prod ignored entries in application.properties").isEqualTo(expected);
    }

    private static Set<String> entries(Properties config, String key) {
        String value = config.getProperty(key);
        assertThat(value).as(key).isNotNull();
        return Stream.of(value.split(",")).map(String::strip).collect(Collectors.toCollection(TreeSet::new));
    }

    /** The jars the packaged application runs from: the fast-jar tree, or the native image's class path. */
    private static List<Path> packagedJars() throws IOException {
        Path root = PackagedApp.kind() == PackagedApp.Kind.NATIVE
                ? nativeImageSourceJarDirectory()
                : PackagedApp.path().getParent();
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
    }

    private static Path nativeImageSourceJarDirectory() throws IOException {
        try (Stream<Path> dirs = Files.list(Path.of("target"))) {
            return dirs.filter(p -> p.getFileName().toString().endsWith("-native-image-source-jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no target/*-native-image-source-jar after a native build"));
        }
    }
}
