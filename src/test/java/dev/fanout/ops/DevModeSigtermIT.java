package dev.fanout.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ./mvnw quarkus:dev} as a new user runs it, stopped the way an IDE's stop button or a
 * terminal multiplexer stops it: SIGTERM to its whole process group (the wrapper, Maven and the
 * dev-mode JVM Maven forks). It must end within seconds and free its port. Production's graceful
 * drain on SIGTERM is {@link PackagedAppIT}'s to prove.
 *
 * <p>Runs in this project's own directory with the classes the build already compiled
 * ({@code -Dmaven.main.skip -Dmaven.test.skip}), so it does not rewrite {@code target/classes}
 * or {@code target/test-classes} under the other tests; offline when the outer build is.
 */
class DevModeSigtermIT {

    private static final Path LOG = Path.of("target", "dev-mode-sigterm-it.log");
    /** A first launch on a cold machine resolves dev mode's own artifacts and starts PostgreSQL. */
    private static final Duration STARTUP = Duration.ofMinutes(4);
    /** "Within a few seconds": dev mode's own shutdown takes under one on this project. */
    private static final Duration STOP = Duration.ofSeconds(15);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NORMAL).build();

    private Process group;

    @AfterEach
    void killWhateverIsLeft() throws Exception {
        if (group != null) {
            signalGroup("KILL");
            group.waitFor(STOP.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void sigtermToTheProcessGroupEndsDevModeAndFreesThePort() throws Exception {
        int port = freePort();
        group = launchDevMode(port);
        awaitLive(port);
        // What the README's "Developing" section points a new user at.
        for (String devPage : List.of("/q/dev-ui", "/q/swagger-ui/", "/q/openapi")) {
            assertThat(status(port, devPage)).as("GET %s in dev mode", devPage).isEqualTo(200);
        }
        List<ProcessHandle> everyProcess = new ArrayList<>(group.descendants().toList());
        everyProcess.add(group.toHandle());

        signalGroup("TERM");

        assertThat(group.waitFor(STOP.toSeconds(), TimeUnit.SECONDS))
                .as("./mvnw quarkus:dev ended within %s of SIGTERM; log in %s", STOP, LOG).isTrue();
        for (ProcessHandle process : everyProcess) {
            process.onExit().get(STOP.toSeconds(), TimeUnit.SECONDS); // the forked dev-mode JVM too
            assertThat(process.isAlive()).as("process %s (%s)", process.pid(), process.info().command().orElse("?")).isFalse();
        }
        assertThat(answers(port)).as("something still answers on port %d", port).isFalse();
        try (ServerSocket reuse = new ServerSocket()) {
            reuse.bind(new InetSocketAddress("127.0.0.1", port)); // throws if the port is still held
        }
        assertThat(Files.readString(LOG)).as("dev mode logged its stop").contains("fanout stopped");
    }

    /**
     * {@code setsid} makes the wrapper the leader of a new process group (and session), so the
     * group can be signalled as a terminal would, and nothing of it can outlive the test.
     */
    private static Process launchDevMode(int port) throws IOException {
        List<String> command = new ArrayList<>(List.of("setsid", Path.of("mvnw").toAbsolutePath().toString(),
                "-B", "-ntp", "quarkus:dev",
                "-Dmaven.main.skip=true",
                "-Dmaven.test.skip=true", // nor target/test-classes (continuous testing stays off)
                "-Dquarkus.http.port=" + port,
                "-Ddebug=false", // no debugger port to collide with another launch
                "-Dquarkus.console.enabled=false",
                "-Dquarkus.analytics.disabled=true"));
        if (System.getProperty("fanout.maven.offline", "").equals("offline=true")) {
            command.add("-o");
        }
        String repository = System.getProperty("fanout.maven.repository", "");
        if (!repository.isBlank()) {
            command.add("-Dmaven.repo.local=" + repository);
        }
        ProcessBuilder launch = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(LOG.toFile());
        Map<String, String> env = launch.environment();
        env.keySet().removeIf(name -> name.startsWith("QUARKUS_") || name.startsWith("AWS_") || name.startsWith("FANOUT_"));
        env.put("JAVA_HOME", System.getProperty("java.home"));
        return launch.start();
    }

    private void signalGroup(String signal) throws IOException, InterruptedException {
        // The wrapper's pid is the group's id (setsid above); Java itself cannot signal a group.
        new ProcessBuilder("kill", "-" + signal, "--", "-" + group.pid()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(5, TimeUnit.SECONDS);
    }

    private void awaitLive(int port) throws Exception {
        long until = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < until) {
            if (!group.isAlive()) {
                throw new AssertionError("dev mode exited with " + group.exitValue() + " before it was up:\n" + logTail());
            }
            try {
                HttpResponse<Void> live = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/live"))
                        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.discarding());
                if (live.statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // still building or starting
            }
            Thread.sleep(500);
        }
        throw new AssertionError("dev mode not up within " + STARTUP + ":\n" + logTail());
    }

    private static int status(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
                .GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static boolean answers(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (ConnectException refused) {
            return false;
        }
    }

    private static String logTail() throws IOException {
        List<String> lines = Files.readAllLines(LOG);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
