package dev.fanout.database;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Secrets Manager's JSON protocol on a loopback port, enough for {@code GetSecretValue}:
 * it records each request (headers and body, as they arrived on the wire) and answers
 * with the status and body it is given, or never.
 */
public final class SecretsManagerStub implements AutoCloseable {

    /** One request as it arrived. Header names in lower case. */
    public record Received(String method, String path, Map<String, String> headers, String body) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile int status = 200;
    private volatile String body = "{}";
    private volatile boolean hang;

    private SecretsManagerStub(HttpServer server) {
        this.server = server;
    }

    public static SecretsManagerStub start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            SecretsManagerStub stub = new SecretsManagerStub(server);
            server.createContext("/", stub::handle);
            server.setExecutor(stub.executor);
            server.start();
            return stub;
        } catch (IOException e) {
            throw new IllegalStateException("the Secrets Manager stub did not start", e);
        }
    }

    /** An answer as Secrets Manager gives it for a secret of {@code {"username","password"}}. */
    public static String secretAnswer(String arn, String secretString) {
        return "{\"ARN\":\"" + arn + "\",\"Name\":\"rds!db\",\"SecretString\":" + quoted(secretString)
                + ",\"VersionId\":\"v1\",\"VersionStages\":[\"AWSCURRENT\"],\"CreatedDate\":1.7E9}";
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void answer(int status, String body) {
        this.status = status;
        this.body = body;
        this.hang = false;
    }

    public void hang() {
        this.hang = true;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        Map<String, String> headers = new java.util.TreeMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), String.join(",", values)));
        String requestBody = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers, requestBody));
        if (hang) {
            try {
                closed.await(1, TimeUnit.MINUTES); // until the test ends; the client's timeout must act first
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
            return;
        }
        byte[] answer = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        exchange.sendResponseHeaders(status, answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
        }
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
