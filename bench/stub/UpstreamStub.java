import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * The benchmark's upstream: billing, orders, recommendations and directory, as in
 * shared/API.md, each answering after a fixed timer delay. Non-blocking: one Vert.x
 * event loop, a timer per request, no thread ever sleeps, so it can hold thousands
 * of requests in their delay at once. Run by bench/run.sh with the app's own jars:
 *   java -cp 'target/quarkus-app/lib/main/*' bench/stub/UpstreamStub.java <port> <latencyMs>
 */
public class UpstreamStub {

    private static final Buffer ORDERS = Buffer.buffer(
            "[{\"id\":\"o-1\",\"total\":\"30.00\",\"currency\":\"EUR\",\"placedAt\":\"2026-01-01T10:00:00Z\"}]");
    private static final Buffer RECOMMENDATIONS = Buffer.buffer("[{\"sku\":\"sku-1\",\"score\":0.93}]");

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        long latencyMs = Long.parseLong(args[1]);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1));
        vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true).setIdleTimeout(0).setAcceptBacklog(4096))
                .requestHandler(request -> {
                    Buffer body = bodyFor(request.path());
                    if (latencyMs <= 0) {
                        answer(request, body);
                    } else {
                        vertx.setTimer(latencyMs, timer -> answer(request, body));
                    }
                })
                .listen(port, "127.0.0.1")
                .onSuccess(server -> System.out.println("stub listening on 127.0.0.1:" + server.actualPort()
                        + ", latency " + latencyMs + " ms"))
                .onFailure(failure -> {
                    failure.printStackTrace();
                    System.exit(1);
                });
    }

    /** /accounts/{id}, /users/{id}/orders, /users/{id}/recommendations, /people/{id}. */
    private static Buffer bodyFor(String path) {
        if (path.startsWith("/accounts/")) {
            return Buffer.buffer("{\"userId\":" + lastSegment(path)
                    + ",\"balance\":\"12.50\",\"currency\":\"EUR\",\"status\":\"active\"}");
        }
        if (path.endsWith("/orders")) {
            return ORDERS;
        }
        if (path.endsWith("/recommendations")) {
            return RECOMMENDATIONS;
        }
        if (path.startsWith("/people/")) {
            String id = lastSegment(path);
            return Buffer.buffer("{\"id\":" + id + ",\"email\":\"user" + id + "@example.com\",\"displayName\":\"User "
                    + id + "\",\"plan\":\"pro\"}");
        }
        return null;
    }

    private static String lastSegment(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static void answer(HttpServerRequest request, Buffer body) {
        if (body == null) {
            request.response().setStatusCode(404).end();
            return;
        }
        request.response().putHeader("content-type", "application/json").end(body);
    }
}
