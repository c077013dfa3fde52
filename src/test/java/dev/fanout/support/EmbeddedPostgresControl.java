package dev.fanout.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Stops and restarts the embedded PostgreSQL that dev.fanout.local started for this
 * JVM, with its own {@code pg_ctl}, so that tests can take the database away for real.
 */
public final class EmbeddedPostgresControl {

    private EmbeddedPostgresControl() {
    }

    public static void stop() {
        pgCtl("stop", "-m", "immediate", "-w");
    }

    /** Starts the server again on the same port and data directory. */
    public static void start() {
        pgCtl("start", "-w", "-o", "-p " + port() + " -c listen_addresses=localhost -c max_connections=300 -c fsync=off",
                "-l", dataDir().resolveSibling(dataDir().getFileName() + ".restart.log").toString());
    }

    public static int port() {
        return Integer.parseInt(required("fanout.embedded-postgres.port"));
    }

    private static Path dataDir() {
        return Path.of(required("fanout.embedded-postgres.data-dir"));
    }

    private static void pgCtl(String... args) {
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("unshare", "-U")); // as zonky does: PostgreSQL refuses uid 0
        }
        command.add(pgCtlBinary().toString());
        command.addAll(List.of("-D", dataDir().toString()));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("pg_ctl " + String.join(" ", args) + " failed: "
                        + new String(process.getInputStream().readAllBytes()));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path pgCtlBinary() {
        Path workDir = dataDir().getParent();
        try (Stream<Path> dirs = Files.list(workDir)) {
            return dirs.filter(dir -> dir.getFileName().toString().startsWith("PG-"))
                    .map(dir -> dir.resolve("bin").resolve("pg_ctl"))
                    .filter(Files::isExecutable)
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no pg_ctl under " + workDir));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException(property + " is not set: the tests expect the embedded PostgreSQL");
        }
        return value;
    }
}
