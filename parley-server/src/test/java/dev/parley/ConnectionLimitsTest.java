package dev.parley;

import static dev.parley.BadInputTest.frame;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testkit.Api;
import dev.parley.testkit.Backend;
import dev.parley.testkit.ParleyServer;
import dev.parley.testkit.RawWs;
import dev.parley.testkit.Users;
import dev.parley.testkit.Users.Device;
import dev.parley.testkit.WsClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * Limits on the connections of one account and on what a connection may hold: WebSockets and long-poll sessions
 * per user, per device session and per node (long-poll sessions count too), and the bytes waiting for a client
 * that stopped reading. Each test starts a server of its own with tight limits.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class ConnectionLimitsTest {
    @Parameter
    Backend backend;

    @Test
    void oneAccountCannotTakeTheNodesConnectionsAndLongPollSessionsCount() throws Exception {
        ParleyServer s = ParleyServer.dedicated(backend, Map.of("parley.limits.max-connections", 6,
                "parley.connections.max-per-session", 3, "parley.connections.max-per-user", 5));
        List<AutoCloseable> open = new ArrayList<>();
        try {
            Users u = new Users(s);
            Api api = u.api();
            Users.User alice = u.register("limit_a");
            Device a1 = u.login(alice, "one");
            Device a2 = u.login(alice, "two");
            Device b = u.newUserDevice("limit_b");

            // One device session: three connections, WebSockets and long-poll sessions together.
            open.add(hello(WsClient.connect(s, a1.accessToken())));
            open.add(hello(WsClient.connect(s, a1.accessToken())));
            String a1Poll = openPoll(api, a1);
            assertRefused(s, a1, 4409, "too_many_connections");
            assertPollRefused(api, a1, 429, "too_many_connections");

            // The user: five over all devices, so the second device gets two.
            open.add(hello(WsClient.connect(s, a2.accessToken())));
            String a2Poll = openPoll(api, a2);
            assertRefused(s, a2, 4409, "too_many_connections");
            assertPollRefused(api, a2, 429, "too_many_connections");

            // The node: six in all, long-poll sessions included.
            openPoll(api, b);
            assertRefused(s, b, 4503, "server_full");
            assertPollRefused(api, b, 503, "server_full");

            // A closed long-poll session gives its place back at once; a closed WebSocket once its channel ends.
            assertThat(api.delete("/api/v1/longpoll/" + a2Poll, a2.accessToken()).status()).isEqualTo(204);
            open.add(hello(WsClient.connect(s, b.accessToken())));
            assertThat(api.delete("/api/v1/longpoll/" + a1Poll, a1.accessToken()).status()).isEqualTo(204);
            ((WsClient) open.remove(0)).close();
            long deadline = System.nanoTime() + 10_000_000_000L;
            WsClient again = null;
            while (again == null && System.nanoTime() < deadline) {
                WsClient c = WsClient.connect(s, a1.accessToken());
                JsonNode first = c.await(n -> true, "a first frame");
                if ("hello".equals(WsClient.text(first, "type"))) again = c;
                else c.close(); // refused while the closed ones were still going away
            }
            assertThat(again).as("a place was freed").isNotNull();
            open.add(again);
            assertThat(openPoll(api, a1)).isNotBlank();
        } finally {
            for (AutoCloseable c : open) c.close();
            s.stop();
        }
    }

    @Test
    void aClientThatStopsReadingIsClosedOnceItsUnsentBytesPassTheBoundAndItsClosedPollSessionRefusesFrames() throws Exception {
        // The default bound (1 MiB) of bytes written to a WebSocket and not yet sent, or queued for a long-poll.
        ParleyServer s = ParleyServer.dedicated(backend, Map.of("parley.limits.max-text-chars", 60_000,
                "parley.limits.frames-per-second", 100_000, "parley.limits.frame-burst", 100_000));
        try {
            Users u = new Users(s);
            Api api = u.api();
            Device alice = u.newUserDevice("bytes_a");
            Users.User bobUser = u.register("bytes_b");
            Device bobStalled = u.login(bobUser, "stalled");
            Device bobPolling = u.login(bobUser, "poller");
            Device bobReading = u.login(bobUser, "reader");
            u.befriend(alice, bobStalled);

            String poll = openPoll(api, bobPolling); // never polled: its frames are never acknowledged
            // About 60 KB each: 7 MB in all, more than the kernel's socket buffers (up to 4 MB on Linux) and the
            // bound take together, in far fewer frames than the 1024-frame bound.
            int messages = 120;
            String text = "x".repeat(60_000);
            try (RawWs stalled = RawWs.connect(s, bobStalled.accessToken(), 4096);
                 WsClient reader = WsClient.connect(s, bobReading.accessToken());
                 WsClient a = WsClient.connect(s, alice.accessToken())) {
                reader.await("hello");
                a.await("hello");
                // The stalled socket reads nothing from here on, not even its hello.
                for (int i = 0; i < messages; i++) {
                    JsonNode ack = a.request(frame("type", "send", "to", bobUser.id(), "clientMsgId", "b" + i, "text", text));
                    assertThat(ack.get("type").asString()).as(ack.toString()).isEqualTo("ack");
                }
                // The client that reads gets every message; the sender and the reader are unaffected.
                for (int i = 0; i < messages; i++) {
                    String id = "b" + i;
                    assertThat(reader.isClosed()).as("the reading client is still open at message %d", i).isFalse();
                    reader.await(n -> "message".equals(WsClient.text(n, "type")) && id.equals(WsClient.text(n, "clientMsgId")), "message " + i);
                }
                BadInputTest.assertAlive(a);
                BadInputTest.assertAlive(reader);

                // The stalled WebSocket was given up: reading now, it finds fewer messages, then close 4429.
                int got = 0;
                int code;
                while (true) {
                    RawWs.Frame f = stalled.readFrame();
                    if (f == null) { code = -1; break; }
                    if (f.opcode() == RawWs.CLOSE) { code = f.closeCode(); break; }
                    if (f.opcode() == RawWs.TEXT && "message".equals(WsClient.text(f.json(), "type"))) got++;
                }
                assertThat(code).isEqualTo(4429);
                assertThat(got).as("messages the stalled socket got before the close").isLessThan(messages);
            }

            // The long-poll session that was never polled is closed with 4429 too ...
            Api.Response r = api.get("/api/v1/longpoll/" + poll + "?ack=0", bobPolling.accessToken());
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body().get("closed").asBoolean()).isTrue();
            assertThat(r.body().get("closeCode").asInt()).isEqualTo(4429);
            // ... and does nothing more: a frame posted to it is refused, and not carried out.
            Api.Response late = api.postRaw("/api/v1/longpoll/" + poll + "/frames", bobPolling.accessToken(),
                    "{\"type\":\"send\",\"id\":\"late\",\"to\":" + alice.user().id() + ",\"clientMsgId\":\"late-1\",\"text\":\"after the close\"}",
                    "application/json");
            assertThat(late.status()).as(late.raw()).isEqualTo(410);
            assertThat(late.code()).isEqualTo("longpoll_closed");
            try (WsClient a = WsClient.connect(s, alice.accessToken())) {
                a.await("hello");
                JsonNode sync = a.request(frame("type", "sync"));
                assertThat(sync.toString()).doesNotContain("after the close").doesNotContain("late-1");
                JsonNode ack = a.request(frame("type", "send", "to", bobUser.id(), "clientMsgId", "check", "text", "check"));
                JsonNode page = a.request(frame("type", "history", "conversationId", ack.get("conversationId").asLong(), "limit", 5));
                assertThat(page.toString()).contains("\"check\"").doesNotContain("after the close");
            }
        } finally {
            s.stop();
        }
    }

    @Test
    void aLongPollSessionClosedAsTooSlowCarriesOutNoMoreFrames() throws Exception {
        ParleyServer s = ParleyServer.dedicated(backend, Map.of("parley.longpoll.max-queued-events", 3));
        try {
            Users u = new Users(s);
            Api api = u.api();
            Device alice = u.newUserDevice("closed_a");
            Device bob = u.newUserDevice("closed_b");
            u.befriend(alice, bob);
            String poll = openPoll(api, bob); // hello is its first unacknowledged frame
            long conversationId;
            try (WsClient a = hello(WsClient.connect(s, alice.accessToken()))) {
                JsonNode ack = null;
                for (int i = 0; i < 3; i++) ack = a.request(frame("type", "send", "to", bob.user().id(), "clientMsgId", "q" + i, "text", "m" + i));
                conversationId = ack.get("conversationId").asLong();
            }
            Api.Response r = api.get("/api/v1/longpoll/" + poll + "?ack=0", bob.accessToken());
            assertThat(r.body().get("closed").asBoolean()).as(r.raw()).isTrue();
            assertThat(r.body().get("closeCode").asInt()).isEqualTo(4429);

            for (String frame : List.of(
                    "{\"type\":\"send\",\"id\":\"late\",\"conversationId\":" + conversationId + ",\"clientMsgId\":\"late-1\",\"text\":\"after the close\"}",
                    "{\"type\":\"ping\",\"id\":\"p\"}")) {
                Api.Response late = api.postRaw("/api/v1/longpoll/" + poll + "/frames", bob.accessToken(), frame, "application/json");
                assertThat(late.status()).as(late.raw()).isEqualTo(410);
                assertThat(late.code()).isEqualTo("longpoll_closed");
            }
            // Later polls still say closed, with the same code.
            Api.Response again = api.get("/api/v1/longpoll/" + poll + "?ack=0", bob.accessToken());
            assertThat(again.body().get("closeCode").asInt()).isEqualTo(4429);
            try (WsClient a = hello(WsClient.connect(s, alice.accessToken()))) {
                JsonNode page = a.request(frame("type", "history", "conversationId", conversationId, "limit", 10));
                assertThat(page.toString()).contains("\"m2\"").doesNotContain("after the close");
            }
        } finally {
            s.stop();
        }
    }

    private static WsClient hello(WsClient c) {
        c.await("hello");
        return c;
    }

    private static String openPoll(Api api, Device d) {
        Api.Response r = api.post("/api/v1/longpoll", d.accessToken(), null);
        assertThat(r.status()).as(r.raw()).isEqualTo(201);
        return r.body().get("pollId").asString();
    }

    private static void assertPollRefused(Api api, Device d, int status, String code) {
        Api.Response r = api.post("/api/v1/longpoll", d.accessToken(), null);
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        assertThat(r.code()).isEqualTo(code);
    }

    /** The WebSocket is upgraded, then gets one error frame and the close code. */
    private static void assertRefused(ParleyServer s, Device d, int closeCode, String errorCode) {
        try (WsClient c = WsClient.connect(s, d.accessToken())) {
            JsonNode error = c.await("error");
            assertThat(error.get("code").asString()).isEqualTo(errorCode);
            assertThat(c.awaitClose()).isEqualTo(closeCode);
        }
    }
}
