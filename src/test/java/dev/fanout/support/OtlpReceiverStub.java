package dev.fanout.support;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * An OpenTelemetry collector's OTLP trace receiver on a loopback port, enough to see what an
 * exporter sends: OTLP/gRPC ({@code TraceService/Export} over cleartext HTTP/2, what the ADOT
 * Lambda layer's collector takes on 4317) and OTLP/HTTP protobuf ({@code POST /v1/traces}, 4318).
 * It reads just the span fields a test asserts on, straight from the protobuf wire format
 * (opentelemetry-proto's {@code trace.proto}), so it needs no generated classes.
 */
public final class OtlpReceiverStub implements AutoCloseable {

    static final String GRPC_PATH = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
    private static final HexFormat HEX = HexFormat.of();

    /** One span as it arrived; ids in lower-case hex, {@code parentSpanId} empty for a root span. */
    public record ReceivedSpan(String traceId, String spanId, String parentSpanId, String name, int kind) {

        public static final int KIND_SERVER = 2;
        public static final int KIND_CLIENT = 3;
    }

    private final Vertx vertx;
    private final HttpServer server;
    private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
    private final List<String> protocols = new CopyOnWriteArrayList<>();

    private OtlpReceiverStub(Vertx vertx) {
        this.vertx = vertx;
        this.server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
                .setHttp2ClearTextEnabled(true));
    }

    public static OtlpReceiverStub start() {
        OtlpReceiverStub stub = new OtlpReceiverStub(Vertx.vertx());
        stub.server.requestHandler(stub::handle);
        stub.server.listen().toCompletionStage().toCompletableFuture().join();
        return stub;
    }

    /** The base URL to give an exporter ({@code quarkus.otel.exporter.otlp.traces.endpoint}). */
    public String url() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    public List<ReceivedSpan> spans() {
        return List.copyOf(spans);
    }

    /** How each export arrived: {@code grpc} or {@code http/protobuf}. */
    public List<String> protocols() {
        return List.copyOf(protocols);
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private void handle(HttpServerRequest request) {
        request.body().onSuccess(body -> {
            if (GRPC_PATH.equals(request.path())) {
                protocols.add("grpc");
                spans.addAll(spansOf(grpcMessage(body, request.getHeader("grpc-encoding"))));
                request.response()
                        .putHeader("content-type", "application/grpc")
                        .putTrailer("grpc-status", "0")
                        .end(Buffer.buffer(new byte[5])); // one empty ExportTraceServiceResponse
            } else if ("/v1/traces".equals(request.path())) {
                protocols.add("http/protobuf");
                byte[] payload = "gzip".equals(request.getHeader("content-encoding")) ? gunzip(body.getBytes()) : body.getBytes();
                spans.addAll(spansOf(payload));
                request.response().putHeader("content-type", "application/x-protobuf").end(Buffer.buffer(new byte[0]));
            } else {
                request.response().setStatusCode(404).end();
            }
        });
    }

    /** gRPC's length-prefixed message: a compressed flag, four bytes of length, the message. */
    private static byte[] grpcMessage(Buffer body, String encoding) {
        boolean compressed = body.getByte(0) == 1;
        int length = body.getInt(1);
        byte[] message = body.getBytes(5, 5 + length);
        return compressed && "gzip".equals(encoding) ? gunzip(message) : message;
    }

    /** ExportTraceServiceRequest: resource_spans = 1 → scope_spans = 2 → spans = 2. */
    static List<ReceivedSpan> spansOf(byte[] request) {
        List<ReceivedSpan> found = new ArrayList<>();
        for (byte[] resourceSpans : new Wire(request).lengthDelimited(1)) {
            for (byte[] scopeSpans : new Wire(resourceSpans).lengthDelimited(2)) {
                for (byte[] span : new Wire(scopeSpans).lengthDelimited(2)) {
                    found.add(spanOf(span));
                }
            }
        }
        return found;
    }

    /** Span: trace_id = 1, span_id = 2, parent_span_id = 4, name = 5, kind = 6. */
    private static ReceivedSpan spanOf(byte[] span) {
        String traceId = "";
        String spanId = "";
        String parentSpanId = "";
        String name = "";
        int kind = 0;
        Wire wire = new Wire(span);
        while (wire.hasMore()) {
            long tag = wire.varint();
            int field = (int) (tag >>> 3);
            int type = (int) (tag & 7);
            if (type == 2) {
                byte[] value = wire.bytes();
                switch (field) {
                    case 1 -> traceId = HEX.formatHex(value);
                    case 2 -> spanId = HEX.formatHex(value);
                    case 4 -> parentSpanId = HEX.formatHex(value);
                    case 5 -> name = new String(value, java.nio.charset.StandardCharsets.UTF_8);
                    default -> { }
                }
            } else if (type == 0) {
                long value = wire.varint();
                if (field == 6) {
                    kind = (int) value;
                }
            } else {
                wire.skip(type);
            }
        }
        return new ReceivedSpan(traceId, spanId, parentSpanId, name, kind);
    }

    private static byte[] gunzip(byte[] compressed) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The protobuf wire format, as far as these messages need it. */
    private static final class Wire {
        private final byte[] data;
        private int at;

        Wire(byte[] data) {
            this.data = data;
        }

        boolean hasMore() {
            return at < data.length;
        }

        long varint() {
            long value = 0;
            for (int shift = 0; ; shift += 7) {
                byte b = data[at++];
                value |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
        }

        byte[] bytes() {
            int length = (int) varint();
            byte[] value = java.util.Arrays.copyOfRange(data, at, at + length);
            at += length;
            return value;
        }

        void skip(int type) {
            switch (type) {
                case 0 -> varint();
                case 1 -> at += 8;
                case 2 -> bytes();
                case 5 -> at += 4;
                default -> throw new IllegalStateException("protobuf wire type " + type + " is not expected in OTLP");
            }
        }

        /** Every length-delimited value of {@code field} at this level, skipping the others. */
        List<byte[]> lengthDelimited(int field) {
            List<byte[]> values = new ArrayList<>();
            while (hasMore()) {
                long tag = varint();
                int type = (int) (tag & 7);
                if (type == 2 && (tag >>> 3) == field) {
                    values.add(bytes());
                } else {
                    skip(type);
                }
            }
            return values;
        }
    }
}
