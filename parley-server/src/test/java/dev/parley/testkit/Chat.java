package dev.parley.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;

/** Short forms of the frames and REST calls the group and message-feature tests repeat. */
public final class Chat {
    private static final AtomicLong IDS = new AtomicLong();

    private Chat() {}

    public static Map<String, Object> frame(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    /** Sends a text message and returns the ack (fails on an error reply). */
    public static JsonNode send(WsClient ws, long conversationId, String text) {
        return ok(ws.request(frame("type", "send", "conversationId", conversationId, "clientMsgId", "c" + IDS.incrementAndGet(), "text", text)));
    }

    /** The reply to a frame, asserted to be of the given type (an error reply fails with its code). */
    public static JsonNode expect(JsonNode reply, String type) {
        assertThat(WsClient.text(reply, "type")).as(reply.toString()).isEqualTo(type);
        return reply;
    }

    public static JsonNode ok(JsonNode reply) {
        assertThat(WsClient.text(reply, "type")).as(reply.toString()).isIn("ack", "ok");
        return reply;
    }

    /** An error reply with this code. */
    public static JsonNode refused(JsonNode reply, String code) {
        assertThat(WsClient.text(reply, "type")).as(reply.toString()).isEqualTo("error");
        assertThat(WsClient.text(reply, "code")).as(reply.toString()).isEqualTo(code);
        return reply;
    }

    /** Every entry after {@code after} that the device may see, through as many history pages as it takes. */
    public static List<JsonNode> historyAfter(WsClient ws, long conversationId, long after) {
        List<JsonNode> out = new ArrayList<>();
        long from = after;
        while (true) {
            JsonNode page = expect(ws.request(frame("type", "history", "conversationId", conversationId, "after", from, "limit", 200)), "history");
            for (JsonNode m : page.get("messages")) {
                out.add(m);
                from = m.get("seq").asLong();
            }
            if (!page.get("hasMore").asBoolean()) return out;
        }
    }

    /** The next {@code message} push of this conversation matching {@code kind}. */
    public static JsonNode awaitEntry(WsClient ws, long conversationId, String kind) {
        return ws.await(n -> "message".equals(WsClient.text(n, "type")) && n.get("conversationId").asLong() == conversationId
                && kind.equals(WsClient.text(n, "kind")), "a '" + kind + "' entry of conversation " + conversationId);
    }

    /** The next system entry of this conversation with this event. */
    public static JsonNode awaitSystem(WsClient ws, long conversationId, String event) {
        return ws.await(n -> "message".equals(WsClient.text(n, "type")) && n.get("conversationId").asLong() == conversationId
                && "system".equals(WsClient.text(n, "kind")) && event.equals(n.get("system").get("event").asString()),
                "system entry '" + event + "' of conversation " + conversationId);
    }

    /** The {@code message} pushes of this conversation received so far. */
    public static List<JsonNode> pushed(WsClient ws, long conversationId) {
        return ws.received("message").stream().filter(n -> n.get("conversationId").asLong() == conversationId).toList();
    }

    /** Lets pushes in flight arrive before asserting that something did not. */
    public static void settle() {
        try {
            Thread.sleep(Duration.ofMillis(400));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Creates a group of {@code owner} with {@code members} (befriended first) and returns its id. */
    public static long group(Users users, Users.Device owner, String name, Users.Device... members) {
        List<Long> ids = new ArrayList<>();
        for (Users.Device m : members) {
            users.befriend(owner, m);
            ids.add(m.user().id());
        }
        Api.Response r = users.api().post("/api/v1/groups", owner.accessToken(), Map.of("name", name, "memberIds", ids));
        assertThat(r.status()).as(r.raw()).isEqualTo(201);
        return r.body().get("id").asLong();
    }

    /** The caller's conversation summary of one conversation from the conversation list (null when not listed). */
    public static JsonNode summary(Api api, Users.Device d, long conversationId) {
        Api.Response r = api.get("/api/v1/conversations", d.accessToken());
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        for (JsonNode e : r.body()) if (e.get("conversation").get("id").asLong() == conversationId) return e;
        return null;
    }
}
