package dev.parley;

import static dev.parley.BadInputTest.assertAlive;
import static dev.parley.BadInputTest.assertError;
import static dev.parley.BadInputTest.frame;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.delivery.Delivery;
import dev.parley.testkit.Api;
import dev.parley.testkit.Backend;
import dev.parley.testkit.OnBothDatabases;
import dev.parley.testkit.ParleyServer;
import dev.parley.testkit.RawWs;
import dev.parley.testkit.Users;
import dev.parley.testkit.Users.Device;
import dev.parley.testkit.WsClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * The WebSocket transport itself (ADR 0013): the upgrade at {@code /ws} on the port that serves everything else,
 * what is refused there, message fragments, frames sent before {@code hello}, the close handshake, and the
 * slow-consumer close. Raw-socket clients ({@link RawWs}) do what browsers and the JDK client will not.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class WebSocketTransportTest extends OnBothDatabases {

    @Test
    void onlyAValidUpgradeToWsIsTakenAndTheRestIsAnsweredOverHttp() {
        Device d = users.newUserDevice("upgrade");
        // Plain GET, another method, an old protocol version: answered over HTTP in the API's error shape.
        try (RawWs plain = RawWs.send(server, "GET /ws?access_token=" + d.accessToken() + " HTTP/1.1\r\nHost: x\r\n\r\n")) {
            assertThat(plain.status).isEqualTo(400);
            assertThat(Api.JSON.readTree(plain.body).get("code").asString()).isEqualTo("bad_request");
            assertThat(plain.awaitEnd()).as("the connection is closed after the answer").isTrue();
        }
        try (RawWs post = RawWs.send(server, "POST /ws HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")) {
            assertThat(post.status).isEqualTo(405);
            assertThat(Api.JSON.readTree(post.body).get("code").asString()).isEqualTo("method_not_allowed");
        }
        try (RawWs old = RawWs.send(server, RawWs.upgrade("/ws").replace("Version: 13", "Version: 8"))) {
            assertThat(old.status).isEqualTo(426);
            assertThat(old.headers.get("sec-websocket-version")).as("RFC 6455 §4.4").isEqualTo("13");
        }
        try (RawWs noKey = RawWs.send(server, RawWs.upgrade("/ws").replaceAll("Sec-WebSocket-Key: [^\r]*\r\n", ""))) {
            assertThat(noKey.status).isEqualTo(400);
        }
        // Other paths are not the WebSocket: they go on to the HTTP routes (none there).
        for (String path : List.of("/ws/", "/wsx", "/api/ws", "/ws/x")) {
            try (RawWs other = RawWs.send(server, RawWs.upgrade(path + "?access_token=" + d.accessToken()))) {
                assertThat(other.status).as(path).isEqualTo(404);
            }
        }
        // The server does not take up permessage-deflate (or any extension) or a subprotocol it was offered.
        try (RawWs offered = RawWs.send(server, RawWs.upgrade("/ws?access_token=" + d.accessToken(),
                "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits", "Sec-WebSocket-Protocol: chat"))) {
            assertThat(offered.status).isEqualTo(101);
            assertThat(offered.headers).doesNotContainKeys("sec-websocket-extensions", "sec-websocket-protocol");
            assertThat(offered.awaitType("hello").get("userId").asLong()).isEqualTo(d.user().id());
        }
        // The absolute form of the request target (RFC 9112 §3.2.2) is the same path.
        try (RawWs absolute = RawWs.send(server, RawWs.upgrade("http://127.0.0.1:" + server.port() + "/ws?access_token=" + d.accessToken()))) {
            assertThat(absolute.status).isEqualTo(101);
            absolute.awaitType("hello");
        }
    }

    @Test
    void anUpgradeWhoseKeyIsNotABase64SixteenByteNonceIsRefusedWith400() {
        Device d = users.newUserDevice("key");
        String upgrade = RawWs.upgrade("/ws?access_token=" + d.accessToken());
        // RFC 6455 §4.2.1: the key is a base64-encoded 16-byte value. 17 bytes, 12 bytes, not base64, empty.
        List<String> bad = List.of("short", "", "!".repeat(24), "AAAA", "AAAAAAAAAAAAAAAAAAAAAAA=", "AAAAAAAAAAAAAAAA",
                "AAAAAAAAAAAAAAAAAAAAA!==");
        for (String key : bad) {
            try (RawWs ws = RawWs.send(server, upgrade.replaceAll("Sec-WebSocket-Key: [^\r]*", "Sec-WebSocket-Key: " + key))) {
                assertThat(ws.status).as("key '%s'", key).isEqualTo(400);
                assertThat(Api.JSON.readTree(ws.body).get("code").asString()).isEqualTo("bad_request");
            }
        }
        // Two keys are not one key.
        try (RawWs ws = RawWs.send(server, upgrade.replace("\r\n\r\n", "\r\nSec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\n\r\n"))) {
            assertThat(ws.status).isEqualTo(400);
        }
        try (RawWs good = RawWs.send(server, upgrade.replaceAll("Sec-WebSocket-Key: [^\r]*", "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA=="))) {
            assertThat(good.status).isEqualTo(101);
            good.awaitType("hello");
        }
    }

    @Test
    void aTextMessageThatIsNotUtf8FailsTheConnectionWith1007() {
        Device d = users.newUserDevice("utf8");
        try (RawWs ws = RawWs.connect(server, d.accessToken())) {
            ws.awaitType("hello");
            // A real U+FFFD is valid UTF-8 and goes through.
            ws.sendFrame(RawWs.TEXT, true, "{\"type\":\"ping\",\"id\":\"\uFFFD\"}".getBytes(StandardCharsets.UTF_8));
            assertThat(ws.awaitType("pong").get("id").asString()).isEqualTo("\uFFFD");
            // So does a character split across two fragments.
            byte[] e = "\u00e9".getBytes(StandardCharsets.UTF_8);
            ws.sendFrame(RawWs.TEXT, false, concat("{\"type\":\"ping\",\"id\":\"".getBytes(StandardCharsets.UTF_8), new byte[] {e[0]}));
            ws.sendFrame(RawWs.CONTINUATION, true, concat(new byte[] {e[1]}, "\"}".getBytes(StandardCharsets.UTF_8)));
            assertThat(ws.awaitType("pong").get("id").asString()).isEqualTo("\u00e9");
            // 0xC3 0x28 is not UTF-8 (a lead byte without its continuation).
            ws.sendFrame(RawWs.TEXT, true, concat("{\"type\":\"ping\",\"id\":\"".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xC3, 0x28, '"', '}'}));
            assertThat(ws.awaitClose()).as("RFC 6455 §8.1").isEqualTo(1007);
        }
        try (RawWs ws = RawWs.connect(server, d.accessToken())) {
            ws.awaitType("hello");
            // An overlong encoding of '/' (0xC0 0xAF), in the second fragment.
            ws.sendFrame(RawWs.TEXT, false, "{\"type\":\"ping\",\"id\":\"".getBytes(StandardCharsets.UTF_8));
            ws.sendFrame(RawWs.CONTINUATION, true, new byte[] {(byte) 0xC0, (byte) 0xAF, '"', '}'});
            assertThat(ws.awaitClose()).isEqualTo(1007);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void anUpgradeMayFollowHttpRequestsOnTheSameConnection() {
        Device d = users.newUserDevice("keepalive");
        String first = "GET /api/v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + d.accessToken() + "\r\n\r\n";
        try (RawWs ws = RawWs.send(server, first)) {
            assertThat(ws.status).isEqualTo(200);
            assertThat(Api.JSON.readTree(ws.body).get("id").asLong()).isEqualTo(d.user().id());
            assertThat(ws.request(RawWs.upgrade("/ws", "Authorization: Bearer " + d.accessToken()))).isEqualTo(101);
            assertThat(ws.awaitType("hello").get("sessionId").asLong()).isEqualTo(d.sessionId());
            ws.sendText("{\"type\":\"ping\",\"id\":\"p\"}");
            assertThat(ws.awaitType("pong").get("id").asString()).isEqualTo("p");
        }
        // Pipelined behind a request not answered yet, an upgrade waits for that answer (a 101 would cut it off),
        // then is taken; if the answer took more than about 2 s it would end as a 404. Either way the answer before
        // it arrives whole.
        try (RawWs ws = RawWs.send(server, first + RawWs.upgrade("/ws?access_token=" + d.accessToken()))) {
            assertThat(ws.status).isEqualTo(200);
            assertThat(Api.JSON.readTree(ws.body).get("id").asLong()).isEqualTo(d.user().id());
            int next = ws.request("");
            assertThat(next).isIn(101, 404);
            if (next == 101) assertThat(ws.awaitType("hello").get("sessionId").asLong()).isEqualTo(d.sessionId());
        }
    }

    @Test
    void framesSentBeforeHelloAreAnsweredAfterItInOrder() {
        Device d = users.newUserDevice("early");
        try (RawWs ws = RawWs.connect(server, d.accessToken())) {
            // Sent right after the 101, while the server is still checking the token.
            for (int i = 0; i < 5; i++) ws.sendText("{\"type\":\"ping\",\"id\":\"e" + i + "\"}");
            List<JsonNode> texts = new ArrayList<>();
            while (texts.size() < 6) {
                RawWs.Frame f = ws.readFrame();
                assertThat(f).as("connection open").isNotNull();
                if (f.opcode() == RawWs.TEXT) texts.add(f.json());
            }
            assertThat(texts.get(0).get("type").asString()).isEqualTo("hello");
            for (int i = 0; i < 5; i++) {
                assertThat(texts.get(i + 1).get("type").asString()).isEqualTo("pong");
                assertThat(texts.get(i + 1).get("id").asString()).isEqualTo("e" + i);
            }
        }
    }

    @Test
    void friendsConnectingAtTheSameMomentBothGetTheirHello() throws Exception {
        // Each opening connection tells the other's user it came online (presence) while the other is opening too:
        // neither may wait for the other (this once deadlocked both and stalled the event loops behind them).
        Device a = users.newUserDevice("twin_a");
        Device b = users.newUserDevice("twin_b");
        users.befriend(a, b);
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int round = 0; round < 20; round++) {
                var fa = pool.submit(() -> WsClient.connect(server, a.accessToken()));
                var fb = pool.submit(() -> WsClient.connect(server, b.accessToken()));
                WsClient wa = track(fa.get()), wb = track(fb.get());
                assertThat(wa.await("hello").get("userId").asLong()).as("round %d", round).isEqualTo(a.user().id());
                assertThat(wb.await("hello").get("userId").asLong()).as("round %d", round).isEqualTo(b.user().id());
                // Both still answer: nothing is stuck behind them.
                assertThat(wa.request(Map.of("type", "ping")).get("type").asString()).isEqualTo("pong");
                assertThat(wb.request(Map.of("type", "ping")).get("type").asString()).isEqualTo("pong");
                wa.close();
                wb.close();
            }
        }
    }

    @Test
    void aFragmentedMessageIsReassembledAndControlFramesMayComeBetweenItsFragments() {
        Device d = users.newUserDevice("fragments");
        try (RawWs ws = RawWs.connect(server, d.accessToken())) {
            ws.awaitType("hello");
            byte[] whole = "{\"type\":\"ping\",\"id\":\"frag-é\"}".getBytes(StandardCharsets.UTF_8);
            int cut1 = 5, cut2 = 24; // the second cut splits the two bytes of é
            ws.sendFrame(RawWs.TEXT, false, java.util.Arrays.copyOfRange(whole, 0, cut1));
            ws.sendFrame(RawWs.PING, true, "mid".getBytes(StandardCharsets.US_ASCII));
            ws.sendFrame(RawWs.CONTINUATION, false, java.util.Arrays.copyOfRange(whole, cut1, cut2));
            ws.sendFrame(RawWs.CONTINUATION, true, java.util.Arrays.copyOfRange(whole, cut2, whole.length));
            RawWs.Frame pong = ws.readFrame();
            assertThat(pong.opcode()).isEqualTo(RawWs.PONG);
            assertThat(pong.text()).isEqualTo("mid");
            assertThat(ws.awaitType("pong").get("id").asString()).isEqualTo("frag-é");

            // A fragmented binary message is refused as a whole, once.
            ws.sendFrame(RawWs.BINARY, false, new byte[] {1, 2});
            ws.sendFrame(RawWs.CONTINUATION, true, new byte[] {3});
            assertError(ws.awaitType("error"), "unsupported_frame", null);
            ws.sendText("{\"type\":\"ping\",\"id\":\"after\"}");
            assertThat(ws.awaitType("pong").get("id").asString()).isEqualTo("after");

            // A continuation with no message to continue breaks the framing (RFC 6455 §5.4): 1002.
            ws.sendFrame(RawWs.CONTINUATION, true, new byte[] {'x'});
            assertThat(ws.awaitClose()).isEqualTo(1002);
        }
    }

    @Test
    void aCloseFromTheClientIsAnsweredWithItsCodeAndFreesTheConnection() throws Exception {
        Device d = users.newUserDevice("closer");
        Delivery delivery = server.bean(Delivery.class);
        int before = delivery.localConnectionCount();
        try (RawWs ws = RawWs.connect(server, d.accessToken())) {
            ws.awaitType("hello");
            assertThat(delivery.localConnectionCount()).as("registered before hello").isGreaterThan(before);
            ws.sendFrame(RawWs.CLOSE, true, new byte[] {0x03, (byte) 0xE8, 'o', 'k'}); // 1000 "ok"
            RawWs.Frame answer = ws.readFrame();
            assertThat(answer.opcode()).isEqualTo(RawWs.CLOSE);
            assertThat(answer.closeCode()).as("RFC 6455 §5.5.1: the close is echoed").isEqualTo(1000);
            assertThat(ws.awaitEnd()).as("the server ends the TCP connection").isTrue();
        }
        // Tests run one at a time: nothing else opens connections on the shared server meanwhile.
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (delivery.localConnectionCount() > before && System.nanoTime() < deadline) Thread.sleep(50);
        assertThat(delivery.localConnectionCount()).as("unregistered").isLessThanOrEqualTo(before);
    }

    @Test
    void aClientThatStopsReadingIsClosedWith4429AndClientsLeavingEarlyFreeTheirSlots() throws Exception {
        ParleyServer s = ParleyServer.dedicated(backend, Map.of("parley.limits.max-connections", 2,
                "parley.limits.frames-per-second", 100_000, "parley.limits.frame-burst", 100_000));
        try {
            Users u = new Users(s);
            Device a = u.newUserDevice("slow_a");
            Device b = u.newUserDevice("slow_b");
            u.befriend(a, b);
            long conversationId;
            try (WsClient wa = WsClient.connect(s, a.accessToken())) {
                wa.await("hello");
                JsonNode ack = null;
                for (int i = 0; i < 10; i++) {
                    ack = wa.request(frame("type", "send", "to", b.user().id(), "clientMsgId", "big" + i, "text", "x".repeat(1000)));
                }
                conversationId = ack.get("conversationId").asLong();
            }
            // About 10 KB per answer; the socket buffers take a few hundred, then frames queue on the server.
            String request = "{\"type\":\"history\",\"conversationId\":" + conversationId + ",\"limit\":10}";
            Delivery delivery = s.bean(Delivery.class);
            int code;
            try (RawWs slow = RawWs.connect(s, b.accessToken(), 4096)) {
                for (int i = 0; i < 3000; i++) slow.sendText(request);
                // Not reading until the server gives up on it: a closing connection leaves delivery at once.
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (delivery.localConnectionCount() == 0 && System.nanoTime() < deadline) Thread.sleep(20); // token checked
                while (delivery.localConnectionCount() > 0 && System.nanoTime() < deadline) Thread.sleep(20);
                assertThat(delivery.localConnectionCount()).as("the slow connection was given up").isZero();
                code = slow.awaitClose(); // reading now: the queued answers, then the close frame
            }
            assertThat(code).isEqualTo(4429);

            // Clients that go away right after the upgrade, while their token is checked, keep no slot.
            for (int i = 0; i < 6; i++) {
                RawWs.connect(s, a.accessToken()).close();
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (s.bean(Delivery.class).localConnectionCount() > 0 && System.nanoTime() < deadline) Thread.sleep(50);
            Thread.sleep(500);
            WsClient first = track(WsClient.connect(s, a.accessToken()));
            WsClient second = track(WsClient.connect(s, b.accessToken()));
            first.await("hello");
            second.await("hello");
            assertAlive(first);
            assertAlive(second);
        } finally {
            s.stop();
        }
    }
}
