import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;

/**
 * The sequential baseline that the profile's design warns about: the same four parts
 * of a profile (the user's row, then billing, then orders, then recommendations) made
 * one after another, against the same PostgreSQL and the same stub, by {@code clients}
 * concurrent callers for {@code seconds}. No app in between: this is the best case of
 * "sequential", so the app's own overhead is not counted against it.
 *   java -cp 'target/quarkus-app/lib/main/*' SequentialBaseline.java pgPort db user password stubPort clients seconds users
 */
public class SequentialBaseline {

    private static final String SELECT_VIEW =
            "SELECT id, email, display_name, plan, created_at, updated_at FROM users WHERE id = $1";

    public static void main(String[] args) throws Exception {
        int pgPort = Integer.parseInt(args[0]);
        String db = args[1];
        String user = args[2];
        String password = args[3];
        int stubPort = Integer.parseInt(args[4]);
        int clients = Integer.parseInt(args[5]);
        long seconds = Long.parseLong(args[6]);
        int users = Integer.parseInt(args[7]);

        Vertx vertx = Vertx.vertx();
        Pool pool = PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(Math.min(clients, 16)))
                .connectingTo(new PgConnectOptions().setHost("127.0.0.1").setPort(pgPort).setDatabase(db)
                        .setUser(user).setPassword(password))
                .using(vertx).build();
        HttpClient http = vertx.createHttpClient(
                new HttpClientOptions().setKeepAlive(true).setDefaultHost("127.0.0.1").setDefaultPort(stubPort),
                new io.vertx.core.http.PoolOptions().setHttp1MaxSize(clients));

        long[] latencies = new long[4_000_000];
        AtomicInteger count = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        CountDownLatch done = new CountDownLatch(clients);
        for (int i = 0; i < clients; i++) {
            vertx.runOnContext(v -> loop(pool, http, users, end, latencies, count, failures, done));
        }
        done.await();
        double elapsed = (System.nanoTime() - start) / 1e9;
        int n = Math.min(count.get(), latencies.length);
        long[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        System.out.printf("RESULT requests=%d rps=%.1f p50_us=%d p99_us=%d max_us=%d failures=%d%n", n, n / elapsed,
                sorted[n / 2] / 1000, sorted[(int) (n * 0.99)] / 1000, sorted[n - 1] / 1000, failures.get());
        vertx.close();
        System.exit(0);
    }

    private static void loop(Pool pool, HttpClient http, int users, long end, long[] latencies, AtomicInteger count,
            AtomicInteger failures, CountDownLatch done) {
        if (System.nanoTime() >= end) {
            done.countDown();
            return;
        }
        long id = ThreadLocalRandom.current().nextLong(1, users + 1);
        long t0 = System.nanoTime();
        pool.preparedQuery(SELECT_VIEW).execute(Tuple.of(id))
                .compose(rows -> get(http, "/billing/accounts/" + id))
                .compose(b -> get(http, "/orders/users/" + id + "/orders?limit=5"))
                .compose(o -> get(http, "/recommendations/users/" + id + "/recommendations"))
                .onComplete(result -> {
                    if (result.failed()) {
                        failures.incrementAndGet();
                    } else {
                        int i = count.getAndIncrement();
                        if (i < latencies.length) {
                            latencies[i] = System.nanoTime() - t0;
                        }
                    }
                    loop(pool, http, users, end, latencies, count, failures, done);
                });
    }

    private static Future<Void> get(HttpClient http, String uri) {
        return http.request(new RequestOptions().setMethod(HttpMethod.GET).setURI(uri))
                .compose(request -> request.send())
                .compose(response -> response.body())
                .mapEmpty();
    }
}
