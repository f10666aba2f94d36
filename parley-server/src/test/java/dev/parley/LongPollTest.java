package dev.parley;

import static dev.parley.BadInputTest.assertCleanError;
import static dev.parley.BadInputTest.assertError;
import static dev.parley.BadInputTest.frame;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testkit.Api;
import dev.parley.testkit.Backend;
import dev.parley.testkit.OnBothDatabases;
import dev.parley.testkit.ParleyServer;
import dev.parley.testkit.Users;
import dev.parley.testkit.Users.Device;
import dev.parley.testkit.WsClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * The long-poll transport: the same frames as the WebSocket over plain HTTP, numbered, re-delivered until
 * acknowledged, and woken by pushes from any transport.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class LongPollTest extends OnBothDatabases {
    final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stopBackground() {
        background.shutdown();
    }

    /** One long-poll session of one device. */
    record Poll(Api api, Device device, String id) {
        static Poll open(Api api, Device d) {
            Api.Response r = api.post("/api/v1/longpoll", d.accessToken(), null);
            assertThat(r.status()).as(r.raw()).isEqualTo(201);
            String id = r.body().get("pollId").asString();
            assertThat(id).isNotBlank();
            return new Poll(api, d, id);
        }

        Api.Response getRaw(long ack) {
            return api.get("/api/v1/longpoll/" + id + "?ack=" + ack, device.accessToken());
        }

        JsonNode get(long ack) {
            Api.Response r = getRaw(ack);
            assertThat(r.status()).as(r.raw()).isEqualTo(200);
            return r.body();
        }

        JsonNode post(Map<String, ?> frame) {
            return postRaw(Api.JSON.writeValueAsString(frame));
        }

        JsonNode postRaw(String body) {
            Api.Response r = api.postRaw("/api/v1/longpoll/" + id + "/frames", device.accessToken(), body, "application/json");
            assertThat(r.status()).as(r.raw()).isEqualTo(200);
            return r.body();
        }
    }

    @Test
    void helloIsFrameOneAndASendIsAcknowledged() {
        Device a = users.newUserDevice("lp_a");
        Device b = users.newUserDevice("lp_b");
        users.befriend(a, b);
        WsClient wb = connect(b);
        Api.Response opened = api.post("/api/v1/longpoll", a.accessToken(), null);
        assertThat(opened.status()).isEqualTo(201);
        assertThat(opened.body().get("maxWaitSeconds").asLong()).isEqualTo(25);
        Poll p = new Poll(api, a, opened.body().get("pollId").asString());

        JsonNode first = p.get(0);
        assertThat(first.get("closed").asBoolean()).isFalse();
        assertThat(first.get("frames")).hasSize(1);
        JsonNode hello = first.get("frames").get(0);
        assertThat(hello.get("n").asLong()).isEqualTo(1);
        assertThat(hello.get("frame").get("type").asString()).isEqualTo("hello");
        assertThat(hello.get("frame").get("userId").asLong()).isEqualTo(a.user().id());
        assertThat(hello.get("frame").get("sessionId").asLong()).isEqualTo(a.sessionId());

        JsonNode ack = p.post(frame("type", "send", "id", "lp1", "to", b.user().id(), "clientMsgId", "lp-1", "text", "from long-poll"));
        assertThat(ack.get("type").asString()).as(ack.toString()).isEqualTo("ack");
        assertThat(ack.get("id").asString()).isEqualTo("lp1");
        assertThat(ack.get("clientMsgId").asString()).isEqualTo("lp-1");
        assertThat(ack.get("seq").asLong()).isEqualTo(1);
        assertThat(ack.get("duplicate").asBoolean()).isFalse();
        JsonNode pushed = wb.await("message");
        assertThat(pushed.get("text").asString()).isEqualTo("from long-poll");
        assertThat(pushed.get("id").asLong()).isEqualTo(ack.get("messageId").asLong());

        // A retry through the same transport is a duplicate, as on the WebSocket.
        JsonNode again = p.post(frame("type", "send", "id", "lp2", "to", b.user().id(), "clientMsgId", "lp-1", "text", "from long-poll"));
        assertThat(again.get("duplicate").asBoolean()).isTrue();
        assertThat(again.get("messageId").asLong()).isEqualTo(ack.get("messageId").asLong());

        assertThat(p.post(frame("type", "ping", "id", "p")).get("type").asString()).isEqualTo("pong");
        JsonNode history = p.post(frame("type", "history", "conversationId", ack.get("conversationId").asLong()));
        assertThat(history.get("messages")).hasSize(1);
        assertThat(p.post(frame("type", "sync")).get("type").asString()).isEqualTo("sync");

        // The sender's own message is not pushed back to it; the friend's reply is.
        wb.request(frame("type", "send", "conversationId", ack.get("conversationId").asLong(), "clientMsgId", "r1", "text", "reply"));
        JsonNode next = p.get(1);
        assertThat(next.get("frames")).hasSize(1);
        assertThat(next.get("frames").get(0).get("n").asLong()).isEqualTo(2);
        assertThat(next.get("frames").get(0).get("frame").get("text").asString()).isEqualTo("reply");
        assertThat(api.delete("/api/v1/longpoll/" + p.id(), a.accessToken()).status()).isEqualTo(204);
    }

    @Test
    void aFriendsWebSocketMessageWakesAWaitingPoll() throws Exception {
        Device a = users.newUserDevice("lpw_a");
        Device b = users.newUserDevice("lpw_b");
        users.befriend(a, b);
        WsClient wb = connect(b);
        Poll p = Poll.open(api, a);
        assertThat(p.get(0).get("frames")).hasSize(1);

        CompletableFuture<JsonNode> waiting = CompletableFuture.supplyAsync(() -> p.get(1), background);
        JsonNode ack = wb.request(frame("type", "send", "to", a.user().id(), "clientMsgId", "w1", "text", "wake up"));
        JsonNode woken = waiting.get(20, TimeUnit.SECONDS);
        assertThat(woken.get("closed").asBoolean()).isFalse();
        assertThat(woken.get("frames")).hasSize(1);
        JsonNode m = woken.get("frames").get(0);
        assertThat(m.get("n").asLong()).isEqualTo(2);
        assertThat(m.get("frame").get("type").asString()).isEqualTo("message");
        assertThat(m.get("frame").get("text").asString()).isEqualTo("wake up");
        assertThat(m.get("frame").get("seq").asLong()).isEqualTo(ack.get("seq").asLong());
        assertThat(m.get("frame").get("senderId").asLong()).isEqualTo(b.user().id());

        // Pushed while nobody polls: kept for the next poll.
        wb.request(frame("type", "send", "to", a.user().id(), "clientMsgId", "w2", "text", "queued"));
        JsonNode later = p.get(2);
        assertThat(later.get("frames")).hasSize(1);
        assertThat(later.get("frames").get(0).get("n").asLong()).isEqualTo(3);
        assertThat(later.get("frames").get(0).get("frame").get("text").asString()).isEqualTo("queued");

        // A read on another device of the same user arrives as well.
        WsClient otherDevice = connect(users.login(a.user(), "lpw-laptop"));
        otherDevice.request(frame("type", "read", "conversationId", ack.get("conversationId").asLong(), "seq", 2));
        JsonNode read = p.get(3);
        assertThat(read.get("frames").get(0).get("frame").get("type").asString()).isEqualTo("read");
        assertThat(read.get("frames").get(0).get("frame").get("readSeq").asLong()).isEqualTo(2);
    }

    @Test
    void framesStayUntilAcknowledgedAndAckDropsThem() throws Exception {
        Device a = users.newUserDevice("lpa_a");
        Device b = users.newUserDevice("lpa_b");
        users.befriend(a, b);
        WsClient wb = connect(b);
        Poll p = Poll.open(api, a);
        wb.request(frame("type", "send", "to", a.user().id(), "clientMsgId", "k1", "text", "one"));
        wb.request(frame("type", "send", "to", a.user().id(), "clientMsgId", "k2", "text", "two"));

        JsonNode all = p.get(0);
        assertThat(numbers(all)).containsExactly(1L, 2L, 3L);
        // The answer was "lost": polling with the same ack returns the very same frames.
        JsonNode repeated = p.get(0);
        assertThat(repeated).isEqualTo(all);
        // Acknowledging drops frames up to n.
        JsonNode afterOne = p.get(1);
        assertThat(numbers(afterOne)).containsExactly(2L, 3L);
        assertThat(afterOne.get("frames").get(0)).isEqualTo(all.get("frames").get(1));
        // Dropped frames do not come back with an older ack.
        assertThat(numbers(p.get(0))).containsExactly(2L, 3L);
        // With everything acknowledged the poll waits; the next frame continues the numbering.
        CompletableFuture<JsonNode> waiting = CompletableFuture.supplyAsync(() -> p.get(3), background);
        wb.request(frame("type", "send", "to", a.user().id(), "clientMsgId", "k3", "text", "three"));
        JsonNode next = waiting.get(20, TimeUnit.SECONDS);
        assertThat(numbers(next)).containsExactly(4L);
        assertThat(next.get("frames").get(0).get("frame").get("text").asString()).isEqualTo("three");
        assertThat(p.get(3)).isEqualTo(next);
    }

    @Test
    void aPollWithNothingPendingWaitsAndReturnsAnEmptyList() throws Exception {
        ParleyServer quick = ParleyServer.dedicated(backend, Map.of("parley.longpoll.max-wait", "2s"));
        try {
            Users u = new Users(quick);
            Device a = u.newUserDevice("lpe_a");
            Device b = u.newUserDevice("lpe_b");
            u.befriend(a, b);
            Api.Response opened = u.api().post("/api/v1/longpoll", a.accessToken(), null);
            assertThat(opened.body().get("maxWaitSeconds").asLong()).isEqualTo(2);
            Poll p = new Poll(u.api(), a, opened.body().get("pollId").asString());
            assertThat(numbers(p.get(0))).containsExactly(1L);

            long start = System.nanoTime();
            JsonNode empty = p.get(1);
            long waitedMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(empty.get("frames")).isEmpty();
            assertThat(empty.get("closed").asBoolean()).isFalse();
            assertThat(waitedMillis).as("the poll waited for frames").isGreaterThanOrEqualTo(1500);

            // The session lives on: later frames continue at 2 (b coming online, then b's message).
            WsClient wb = WsClient.connect(quick, b.accessToken());
            track(wb).await("hello");
            wb.request(frame("type", "send", "to", a.user().id(), "clientMsgId", "e1", "text", "after the wait"));
            JsonNode later = p.get(1);
            assertThat(numbers(later)).containsExactly(2L, 3L);
            assertThat(later.get("frames").get(0).get("frame").get("type").asString()).isEqualTo("presence");
            assertThat(later.get("frames").get(1).get("frame").get("text").asString()).isEqualTo("after the wait");
        } finally {
            quick.stop();
        }
    }

    @Test
    void anotherUsersOrDevicesPollIdIsNotFound() {
        Device a = users.newUserDevice("lpo_a");
        Device b = users.newUserDevice("lpo_b");
        users.befriend(a, b);
        Device aLaptop = users.login(a.user(), "lpo-laptop");
        Poll p = Poll.open(api, a);
        String path = "/api/v1/longpoll/" + p.id();
        String send = Api.JSON.writeValueAsString(frame("type", "send", "to", a.user().id(), "clientMsgId", "steal", "text", "as someone else"));
        for (Device other : List.of(b, aLaptop)) {
            assertCleanError(api.get(path + "?ack=0", other.accessToken()), 404, "not_found");
            assertCleanError(api.postRaw(path + "/frames", other.accessToken(), send, "application/json"), 404, "not_found");
            assertCleanError(api.delete(path, other.accessToken()), 404, "not_found");
        }
        assertCleanError(api.get("/api/v1/longpoll/no-such-poll?ack=0", a.accessToken()), 404, "not_found");
        assertCleanError(api.postRaw("/api/v1/longpoll/no-such-poll/frames", a.accessToken(), "{\"type\":\"ping\"}", "application/json"), 404, "not_found");
        // The owner's session is untouched: hello is still there, and the intruders sent nothing.
        JsonNode mine = p.get(0);
        assertThat(numbers(mine)).containsExactly(1L);
        assertThat(api.get("/api/v1/conversations", b.accessToken()).body()).isEmpty();
    }

    @Test
    void aRevokedSessionEndsItsPollAndGets401() throws Exception {
        Device a = users.newUserDevice("lpr_a");
        Device aLaptop = users.login(a.user(), "lpr-laptop");
        Poll p = Poll.open(api, a);
        assertThat(numbers(p.get(0))).containsExactly(1L);

        CompletableFuture<Api.Response> waiting = CompletableFuture.supplyAsync(() -> p.getRaw(1), background);
        Thread.sleep(1000); // let the poll start waiting (either outcome below is correct, this one is the interesting)
        Api.Response revoke = api.delete("/api/v1/me/sessions/" + a.sessionId(), aLaptop.accessToken());
        assertThat(revoke.status()).as(revoke.raw()).isEqualTo(204);
        Api.Response ended = waiting.get(15, TimeUnit.SECONDS);
        if (ended.status() == 200) {
            assertThat(ended.body().get("closed").asBoolean()).as(ended.raw()).isTrue();
            assertThat(ended.body().get("closeCode").asInt()).isEqualTo(4403);
        } else {
            assertCleanError(ended, 401, "token_revoked");
        }
        assertCleanError(p.getRaw(1), 401, "token_revoked");
        assertCleanError(api.postRaw("/api/v1/longpoll/" + p.id() + "/frames", a.accessToken(), "{\"type\":\"ping\"}", "application/json"),
                401, "token_revoked");
        assertCleanError(api.post("/api/v1/longpoll", a.accessToken(), null), 401, "token_revoked");
        // The other device is unaffected.
        assertThat(numbers(Poll.open(api, aLaptop).get(0))).containsExactly(1L);
    }

    @Test
    void closingAPollEndsAWaitingPollAndForgetsTheSession() throws Exception {
        Device a = users.newUserDevice("lpc_a");
        Poll p = Poll.open(api, a);
        assertThat(numbers(p.get(0))).containsExactly(1L);
        CompletableFuture<Api.Response> waiting = CompletableFuture.supplyAsync(() -> p.getRaw(1), background);
        Thread.sleep(1000);
        assertThat(api.delete("/api/v1/longpoll/" + p.id(), a.accessToken()).status()).isEqualTo(204);
        Api.Response ended = waiting.get(15, TimeUnit.SECONDS);
        if (ended.status() == 200) {
            assertThat(ended.body().get("closed").asBoolean()).as(ended.raw()).isTrue();
            assertThat(ended.body().get("closeCode").asInt()).isEqualTo(1000);
        } else {
            assertCleanError(ended, 404, "not_found");
        }
        assertCleanError(p.getRaw(0), 404, "not_found");
        assertCleanError(api.delete("/api/v1/longpoll/" + p.id(), a.accessToken()), 404, "not_found");
    }

    @Test
    void badFramesOverLongPollGetTheSameErrorsAsOnTheWebSocket() {
        Device a = users.newUserDevice("lpb_a");
        Device b = users.newUserDevice("lpb_b");
        users.befriend(a, b);
        Poll p = Poll.open(api, a);
        assertError(p.postRaw("{"), "bad_json", null);
        assertError(p.postRaw("[1]"), "bad_json", null);
        assertError(p.postRaw(""), "bad_json", null);
        assertError(p.postRaw("{\"type\":\"explode\",\"id\":\"x\"}"), "unknown_type", "x");
        assertError(p.postRaw("{\"id\":\"y\"}"), "invalid_field", "y");
        assertError(p.post(frame("type", "send", "id", "z", "to", b.user().id(), "clientMsgId", "z", "text", " ")), "empty_message", "z");
        assertError(p.post(frame("type", "send", "id", "t", "to", b.user().id(), "clientMsgId", "t", "text", "a".repeat(8001))), "text_too_long", "t");
        assertError(p.post(frame("type", "send", "id", "u", "to", b.user().id(), "clientMsgId", "u", "text", "a\u0000")), "invalid_field", "u");
        assertError(p.post(frame("type", "ping", "pad", "x".repeat(70_000))), "frame_too_large", null);
        // Far over the limit, the body is refused before it becomes a frame: the same code, as an HTTP error.
        assertCleanError(api.postRaw("/api/v1/longpoll/" + p.id() + "/frames", a.accessToken(),
                Api.JSON.writeValueAsString(frame("type", "ping", "pad", "x".repeat(600_000))), "application/json"), 413, "frame_too_large");
        assertThat(p.post(frame("type", "ping", "id", "alive")).get("type").asString()).isEqualTo("pong");
        // Nothing was stored: the first real message is seq 1.
        JsonNode ack = p.post(frame("type", "send", "to", b.user().id(), "clientMsgId", "real", "text", "real"));
        assertThat(ack.get("seq").asLong()).as(ack.toString()).isEqualTo(1);
        assertCleanError(api.get("/api/v1/longpoll/" + p.id() + "?ack=x", a.accessToken()), 400, "invalid_field");
    }

    // ---------------------------------------------------------------- helpers


    private static List<Long> numbers(JsonNode batch) {
        List<Long> out = new ArrayList<>();
        for (JsonNode f : batch.get("frames")) out.add(f.get("n").asLong());
        return out;
    }
}
