import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.TimeZone;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import sun.misc.Signal;

/**
 * The verification toolchain's own check (native/toolchain.sh --check), built as a native
 * executable and run: that the C helpers behave, not just link.
 *
 * <pre>toolchain-check EXPECTED_TIME_ZONE EXPECTED_LANGUAGE</pre>
 *
 * <ul>
 * <li>starting at all: the image's CPU-feature check passed on this CPU;
 * <li>SIGTERM, raised at this process, reaches a sun.misc.Signal handler;
 * <li>the default time zone and locale are the ones the environment names;
 * <li>file I/O, gzip and a loopback TCP round trip (libjava, libzip, libnet, libnio).
 * </ul>
 * Exits 0 when every check passed, 1 with the failed checks named.
 */
public final class ToolchainCheck {

    public static void main(String[] args) throws Exception {
        StringBuilder failures = new StringBuilder();

        CountDownLatch terminated = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), signal -> terminated.countDown());
        Signal.raise(new Signal("TERM"));
        if (!terminated.await(5, TimeUnit.SECONDS)) {
            failures.append("SIGTERM did not reach the sun.misc.Signal handler; ");
        }

        String zone = TimeZone.getDefault().getID();
        if (args.length > 0 && !zone.equals(args[0])) {
            failures.append("time zone ").append(zone).append(", expected ").append(args[0]).append("; ");
        }
        Locale locale = Locale.getDefault();
        if (args.length > 1 && !locale.toString().equals(args[1])) {
            failures.append("locale ").append(locale).append(", expected ").append(args[1]).append("; ");
        }

        Path file = Files.createTempFile("toolchain-check", ".txt");
        Files.writeString(file, "fanout");
        if (!Files.readString(file).equals("fanout")) {
            failures.append("file I/O; ");
        }
        Files.delete(file);

        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (OutputStream gzip = new GZIPOutputStream(zipped)) {
            gzip.write("fanout".repeat(100).getBytes(StandardCharsets.UTF_8));
        }
        try (InputStream gunzip = new GZIPInputStream(new ByteArrayInputStream(zipped.toByteArray()))) {
            if (!new String(gunzip.readAllBytes(), StandardCharsets.UTF_8).equals("fanout".repeat(100))) {
                failures.append("gzip; ");
            }
        }

        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread echo = new Thread(() -> {
                try (Socket client = server.accept()) {
                    client.getOutputStream().write(client.getInputStream().readNBytes(6));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            echo.start();
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                socket.getOutputStream().write("fanout".getBytes(StandardCharsets.UTF_8));
                if (!new String(socket.getInputStream().readNBytes(6), StandardCharsets.UTF_8).equals("fanout")) {
                    failures.append("loopback TCP; ");
                }
            }
            echo.join(5000);
        }

        System.out.println("toolchain-check: time zone " + zone + ", locale " + locale + ", processors "
                + Runtime.getRuntime().availableProcessors() + (failures.isEmpty() ? ": OK" : ": FAILED: " + failures));
        System.exit(failures.isEmpty() ? 0 : 1);
    }
}
