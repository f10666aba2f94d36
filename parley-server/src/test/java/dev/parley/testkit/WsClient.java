package dev.parley.testkit;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/**
 * A real WebSocket client (java.net.http) that records every frame it receives. {@link #await} consumes frames
 * from a queue until one matches; {@link #received()} keeps them all, for exactly-once checks.
 */
public final class WsClient implements AutoCloseable {
    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final LinkedBlockingQueue<JsonNode> queue = new LinkedBlockingQueue<>();
    private final List<JsonNode> all = Collections.synchronizedList(new ArrayList<>());
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final AtomicLong ids = new AtomicLong();
    private final LinkedBlockingQueue<byte[]> pongs = new LinkedBlockingQueue<>();
    private WebSocket socket;

    private WsClient() {}

    /** Connects with {@code ?access_token=}. */
    public static WsClient connect(ParleyServer server, String accessToken) {
        return open(server.ws() + (accessToken == null ? "" : "?access_token=" + accessToken), null);
    }

    /** Connects with an {@code Authorization: Bearer} header instead of the query parameter. */
    public static WsClient connectWithHeader(ParleyServer server, String accessToken) {
        return open(server.ws(), accessToken);
    }

    private static WsClient open(String url, String bearer) {
        WsClient c = new WsClient();
        WebSocket.Builder b = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        c.socket = b.buildAsync(URI.create(url), c.listener()).orTimeout(10, TimeUnit.SECONDS).join();
        return c;
    }

    private WebSocket.Listener listener() {
        return new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    JsonNode n = Api.JSON.readTree(partial.toString());
                    partial.setLength(0);
                    all.add(n);
                    queue.add(n);
                }
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
                byte[] b = new byte[message.remaining()];
                message.get(b);
                pongs.add(b);
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
                closed.complete(statusCode);
                return null;
            }

            @Override
            public void onError(WebSocket ws, Throwable error) {
                closed.complete(-1);
            }
        };
    }

    public void send(Map<String, ?> frame) {
        sendRaw(Api.JSON.writeValueAsString(frame));
    }

    public void sendRaw(String text) {
        socket.sendText(text, true).orTimeout(10, TimeUnit.SECONDS).join();
    }

    public void sendBinary(byte[] data) {
        socket.sendBinary(ByteBuffer.wrap(data), true).orTimeout(10, TimeUnit.SECONDS).join();
    }

    /** Sends a WebSocket-level ping control frame (RFC 6455 §5.5.2); see {@link #awaitPong}. */
    public void sendPing(byte[] payload) {
        socket.sendPing(ByteBuffer.wrap(payload)).orTimeout(10, TimeUnit.SECONDS).join();
    }

    /** The payload of the next pong control frame; fails after the timeout. */
    public byte[] awaitPong() {
        try {
            byte[] b = pongs.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (b == null) throw new AssertionError("no pong within " + TIMEOUT + (isClosed() ? "; the connection closed with " + closed.join() : ""));
            return b;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Sends a frame with a fresh id and returns the reply carrying that id. */
    public JsonNode request(Map<String, ?> frame) {
        String id = "r" + ids.incrementAndGet();
        Map<String, Object> f = new java.util.LinkedHashMap<>(frame);
        f.put("id", id);
        send(f);
        return await(n -> id.equals(text(n, "id")), "reply to " + id);
    }

    public JsonNode await(String type) {
        return await(n -> type.equals(text(n, "type")), "a '" + type + "' frame");
    }

    public JsonNode await(Predicate<JsonNode> match, String what) {
        return await(match, what, TIMEOUT);
    }

    public JsonNode await(Predicate<JsonNode> match, String what, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                JsonNode n = left <= 0 ? null : queue.poll(left, TimeUnit.NANOSECONDS);
                if (n == null) throw new AssertionError("timed out waiting for " + what + "; received: " + received());
                if (match.test(n)) return n;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Frames of one type received so far (consumed by await or not). */
    public List<JsonNode> received(String type) {
        synchronized (all) {
            return all.stream().filter(n -> type.equals(text(n, "type"))).toList();
        }
    }

    public List<JsonNode> received() {
        synchronized (all) {
            return List.copyOf(all);
        }
    }

    /** The close code the server sent (or -1 on a transport error); fails after the timeout. */
    public int awaitClose() {
        try {
            return closed.get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the connection was not closed", e);
        }
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS).join();
            } catch (RuntimeException ignored) {
                // already gone
            }
            socket.abort();
        }
    }

    /** Drops the TCP connection without a close handshake, as a phone losing its network would. */
    public void abort() {
        socket.abort();
    }

    public static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asString();
    }
}
