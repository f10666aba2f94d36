package dev.parley;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.parley.testkit.Api;
import dev.parley.testkit.Backend;
import dev.parley.testkit.OnBothDatabases;
import dev.parley.testkit.ParleyServer;
import dev.parley.testkit.Tokens;
import dev.parley.testkit.Users;
import dev.parley.testkit.Users.Device;
import dev.parley.testkit.WsClient;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * Bad input over the WebSocket and REST: every kind gets its documented error code, the connection survives
 * (unless the framing itself broke), nothing partial is stored, and other users are not disturbed.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class BadInputTest extends OnBothDatabases {

    /** Two friends, both connected, with one message in their conversation. */
    record Chat(Device a, Device b, WsClient wa, WsClient wb, long conversationId) {}

    // ---------------------------------------------------------------- malformed frames

    @Test
    void malformedJsonIsAnsweredWithBadJsonAndTheConnectionSurvives() {
        Chat c = chat("badjson");
        assertEachRefused(c, "bad_json", List.of("{", "not json", "{\"type\":\"ping\"", "", "   ", "{'type':'ping'}", "{\"type\":\"ping\",}",
                "{\"type\":ping}", "{\"type\":\"ping\"} trailing", "{\"type\":\"ping\"}{\"type\":\"ping\"}", "\uFEFF{\"type\":\"ping\"}x"));
        assertNothingStored(c);
        assertOthersServed(c);
    }

    @Test
    void jsonThatIsNotAnObjectIsBadJson() {
        Chat c = chat("notobject");
        assertEachRefused(c, "bad_json", List.of("[1,2]", "[{\"type\":\"ping\",\"id\":\"x\"}]", "42", "-1.5e300", "\"ping\"", "null", "true", "[]"));
        assertNothingStored(c);
        assertOthersServed(c);
    }

    @Test
    void deeplyNestedJsonIsRefusedWithoutHarm() {
        Chat c = chat("nested");
        String deep = "[".repeat(20_000) + "]".repeat(20_000);
        c.wa().sendRaw(deep);
        assertError(c.wa().await("error"), "bad_json", null);
        String deepObject = "{\"type\":\"ping\",\"x\":" + "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000) + "}";
        c.wa().sendRaw(deepObject);
        assertError(c.wa().await("error"), "bad_json", null);
        assertAlive(c.wa());
        assertOthersServed(c);
    }

    @Test
    void unknownFrameTypeIsUnknownTypeWithTheIdEchoed() {
        Chat c = chat("unknown");
        for (String type : List.of("explode", "", "PING", "Send", "x".repeat(500))) {
            JsonNode e = rawRequest(c.wa(), "{\"type\":" + Api.JSON.writeValueAsString(type) + ",\"id\":\"u1\"}", "u1");
            assertError(e, "unknown_type", "u1");
            assertThat(e.get("message").asString().length()).as("the echoed type is clipped").isLessThan(200);
        }
        assertAlive(c.wa());
        assertNothingStored(c);
        assertOthersServed(c);
    }

    @Test
    void missingOrMistypedTypeIsInvalidField() {
        Chat c = chat("notype");
        for (String raw : List.of("{\"id\":\"t1\"}", "{\"id\":\"t1\",\"type\":null}", "{\"id\":\"t1\",\"type\":5}",
                "{\"id\":\"t1\",\"type\":[\"ping\"]}", "{\"id\":\"t1\",\"type\":{\"name\":\"ping\"}}", "{\"id\":\"t1\",\"text\":\"hi\",\"to\":1}")) {
            assertError(rawRequest(c.wa(), raw, "t1"), "invalid_field", "t1");
        }
        c.wa().sendRaw("{}");
        assertError(c.wa().await("error"), "invalid_field", null);
        assertAlive(c.wa());
        assertNothingStored(c);
        assertOthersServed(c);
    }

    @Test
    void missingAndMistypedFieldsAreInvalidFieldAndStoreNothing() {
        Chat c = chat("fields");
        long conv = c.conversationId();
        long to = c.b().user().id();
        List<Map<String, Object>> frames = List.of(
                // send
                frame("type", "send", "conversationId", Long.toString(conv), "clientMsgId", "f1", "text", "hi"),
                frame("type", "send", "conversationId", conv, "clientMsgId", "f2", "text", 42),
                frame("type", "send", "conversationId", conv, "clientMsgId", "f3", "text", List.of("hi")),
                frame("type", "send", "conversationId", conv, "clientMsgId", 7, "text", "hi"),
                frame("type", "send", "conversationId", conv, "text", "no client id"),
                frame("type", "send", "conversationId", conv, "clientMsgId", "", "text", "empty client id"),
                frame("type", "send", "conversationId", conv, "clientMsgId", "x".repeat(65), "text", "long client id"),
                frame("type", "send", "conversationId", conv, "clientMsgId", "f4"),
                frame("type", "send", "conversationId", 1.5, "clientMsgId", "f5", "text", "hi"),
                frame("type", "send", "conversationId", new java.math.BigInteger("123456789012345678901234567890"), "clientMsgId", "f6", "text", "hi"),
                frame("type", "send", "to", Long.toString(to), "clientMsgId", "f7", "text", "hi"),
                frame("type", "send", "to", true, "clientMsgId", "f8", "text", "hi"),
                frame("type", "send", "clientMsgId", "f9", "text", "neither to nor conversationId"),
                frame("type", "send", "to", to, "conversationId", conv, "clientMsgId", "f10", "text", "both"),
                frame("type", "send", "to", c.a().user().id(), "clientMsgId", "f11", "text", "to myself"),
                // history
                frame("type", "history"),
                frame("type", "history", "conversationId", Long.toString(conv)),
                frame("type", "history", "conversationId", conv, "limit", "10"),
                frame("type", "history", "conversationId", conv, "limit", 0),
                frame("type", "history", "conversationId", conv, "limit", 201),
                frame("type", "history", "conversationId", conv, "limit", 10_000_000_000L),
                frame("type", "history", "conversationId", conv, "before", 5, "after", 1),
                frame("type", "history", "conversationId", conv, "after", -1),
                frame("type", "history", "conversationId", conv, "before", "5"),
                // read
                frame("type", "read", "conversationId", conv),
                frame("type", "read", "conversationId", conv, "seq", "1"),
                frame("type", "read", "conversationId", conv, "seq", -1),
                frame("type", "read", "seq", 1),
                // sync
                frame("type", "sync", "token", 12345));
        for (Map<String, Object> f : frames) {
            JsonNode reply = c.wa().request(f);
            assertError(reply, "invalid_field", null);
            assertThat(reply.get("message").asString()).as("names what is wrong: " + f).isNotBlank();
        }
        // A bad or over-long id is refused too; the id cannot be echoed then.
        assertError(rawRequestNoId(c.wa(), "{\"type\":\"ping\",\"id\":5}"), "invalid_field", null);
        assertError(rawRequestNoId(c.wa(), "{\"type\":\"ping\",\"id\":\"" + "i".repeat(65) + "\"}"), "invalid_field", null);
        assertAlive(c.wa());
        assertNothingStored(c);
        assertThat(c.wb().received("message")).as("no partial send reached the peer").hasSize(1);
        assertOthersServed(c);
    }

    // ---------------------------------------------------------------- frame size and kind

    @Test
    void aFrameOverTheLimitIsFrameTooLargeAndTheConnectionSurvives() {
        Chat c = chat("big");
        int limit = c.wa().received("hello").get(0).get("maxFrameBytes").asInt();
        assertThat(limit).isEqualTo(65536);
        // Exactly at the limit is fine, one byte more is not (bytes, not characters).
        c.wa().sendRaw(padded("{\"type\":\"ping\",\"id\":\"edge\",\"pad\":\"", limit));
        assertThat(c.wa().await(n -> "edge".equals(WsClient.text(n, "id")), "pong at the limit").get("type").asString()).isEqualTo("pong");
        c.wa().sendRaw(padded("{\"type\":\"ping\",\"id\":\"over\",\"pad\":\"", limit + 1));
        assertError(c.wa().await("error"), "frame_too_large", null);
        // Fewer characters than the limit, but more bytes: é is two bytes in UTF-8.
        c.wa().send(frame("type", "send", "conversationId", c.conversationId(), "clientMsgId", "big1", "text", "é".repeat(33_000)));
        assertError(c.wa().await("error"), "frame_too_large", null);
        c.wa().send(frame("type", "send", "conversationId", c.conversationId(), "clientMsgId", "big2", "text", "x".repeat(200_000)));
        assertError(c.wa().await("error"), "frame_too_large", null);
        assertAlive(c.wa());
        assertNothingStored(c);
        assertOthersServed(c);
    }

    @Test
    void aFrameOverOneMebibyteClosesWith1009AndTheServerServesOthers() {
        Chat c = chat("huge");
        Throwable sendFailure = catchThrowable(() -> c.wa().sendRaw(padded("{\"type\":\"ping\",\"pad\":\"", 1024 * 1024 + 100)));
        int code = c.wa().awaitClose();
        assertThat(code).as("close code (send failure: %s)", sendFailure).isEqualTo(1009);
        assertNothingStoredFor(c.wb(), c.conversationId());
        // The peer's connection is untouched; the same user can connect again at once.
        assertAlive(c.wb());
        WsClient again = connect(c.a());
        assertAlive(again);
        JsonNode ack = c.wb().request(frame("type", "send", "conversationId", c.conversationId(), "clientMsgId", "after-1009", "text", "still here"));
        assertThat(ack.get("seq").asLong()).isEqualTo(2);
        assertThat(again.await("message").get("text").asString()).isEqualTo("still here");

        // The JDK client splits long text into 16 KiB frames (refused above once they add up past 1 MiB); a binary
        // message goes out as one frame, refused by Netty on its header alone: it sends 1009 and closes at once,
        // so while the client is still writing the rest, a TCP reset may overtake the close frame (-1).
        WsClient single = connect(c.a());
        Throwable binaryFailure = catchThrowable(() -> single.sendBinary(new byte[1024 * 1024 + 1]));
        assertThat(single.awaitClose()).as("close code (send failure: %s)", binaryFailure).isIn(1009, -1);
        assertAlive(again);
        assertAlive(c.wb());
    }

    @Test
    void aBinaryFrameIsUnsupportedFrame() {
        Chat c = chat("binary");
        c.wa().sendBinary("{\"type\":\"ping\",\"id\":\"b\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertError(c.wa().await("error"), "unsupported_frame", null);
        c.wa().sendBinary(new byte[] {0, 1, 2, (byte) 0xff});
        assertError(c.wa().await("error"), "unsupported_frame", null);
        assertAlive(c.wa());
        assertNothingStored(c);
        assertOthersServed(c);
    }

    // ---------------------------------------------------------------- message text

    @Test
    void textLengthIsCountedInCodePoints() {
        Chat c = chat("length");
        assertError(send(c, "l1", "a".repeat(8001)), "text_too_long", null);
        String emoji = "\uD83D\uDE00"; // one code point, two UTF-16 units, four UTF-8 bytes
        assertError(send(c, "l2", emoji.repeat(8001)), "text_too_long", null);
        assertNothingStored(c);

        String ascii = "a".repeat(8000);
        String emojis = emoji.repeat(8000);
        String mixed = "a".repeat(7999) + emoji;
        long seq = 1;
        for (String text : List.of(ascii, emojis, mixed)) {
            JsonNode ack = send(c, "ok" + seq, text);
            assertThat(ack.get("type").asString()).as(ack.toString()).isEqualTo("ack");
            assertThat(ack.get("seq").asLong()).isEqualTo(++seq);
            assertThat(c.wb().await("message").get("text").asString()).isEqualTo(text);
        }
        JsonNode page = c.wa().request(frame("type", "history", "conversationId", c.conversationId(), "after", 1));
        assertThat(page.get("messages")).hasSize(3);
        assertThat(page.get("messages").get(0).get("text").asString()).isEqualTo(ascii);
        assertThat(page.get("messages").get(1).get("text").asString()).isEqualTo(emojis);
        assertThat(page.get("messages").get(2).get("text").asString()).isEqualTo(mixed);
    }

    @Test
    void emptyOrBlankTextIsEmptyMessage() {
        Chat c = chat("empty");
        for (String text : List.of("", " ", "   \t\n\r  ", "\u2003\u3000")) {
            assertError(send(c, "e" + text.length(), text), "empty_message", null);
        }
        assertError(c.wa().request(frame("type", "send", "conversationId", c.conversationId(), "clientMsgId", "nulltext", "text", null)),
                "invalid_field", null);
        assertAlive(c.wa());
        assertNothingStored(c);
        assertOthersServed(c);
    }

    @Test
    void htmlSqlAndControlCharactersAreStoredAndReturnedExactly() {
        Chat c = chat("chars");
        List<String> texts = List.of(
                "<script>alert('x')</script><img src=x onerror=alert(1)>&amp;&lt;",
                "'); DROP TABLE messages; --",
                "Robert\"); DELETE FROM users WHERE 1=1; /* \\' \\\\ */",
                "%s %n %x {0} ${jndi:ldap://x/a} \\u0000 \\n",
                "ctl:\u0001\u0002\u0007\b\f\u000b\u001b[31m\u007f\u0080\u0085\u009f|",
                "lines\r\nand\ttabs\n\n\u2028\u2029",
                "e\u0301 vs \u00e9, \uFEFFbom, zw\u200bsp, \u202Ertl, \uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67 family, \uFFFD\uFFFF",
                "\uD834\uDD1E clef, \uDBFF\uDFFF last code point, \uE000 private");
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            JsonNode ack = send(c, "<id>'\"" + i, texts.get(i));
            assertThat(ack.get("type").asString()).as(ack.toString()).isEqualTo("ack");
            assertThat(ack.get("clientMsgId").asString()).isEqualTo("<id>'\"" + i);
            seqs.add(ack.get("seq").asLong());
            JsonNode pushed = c.wb().await("message");
            assertThat(pushed.get("text").asString()).isEqualTo(texts.get(i));
            assertThat(pushed.get("clientMsgId").asString()).isEqualTo("<id>'\"" + i);
        }
        JsonNode page = c.wb().request(frame("type", "history", "conversationId", c.conversationId(), "after", 1));
        List<String> stored = new ArrayList<>();
        for (JsonNode m : page.get("messages")) stored.add(m.get("text").asString());
        assertThat(stored).containsExactlyElementsOf(texts);
        // The same bytes over REST, and the database is intact.
        Api.Response rest = api.get("/api/v1/conversations/" + c.conversationId() + "/messages?after=1", c.b().accessToken());
        assertThat(rest.status()).isEqualTo(200);
        List<String> viaRest = new ArrayList<>();
        for (JsonNode m : rest.body().get("messages")) viaRest.add(m.get("text").asString());
        assertThat(viaRest).containsExactlyElementsOf(texts);
        assertThat(api.get("/api/v1/me", c.a().accessToken()).status()).isEqualTo(200);
        assertThat(seqs).hasSize(texts.size());
    }

    @Test
    void nulAndUnpairedSurrogatesAreInvalidField() {
        Chat c = chat("nul");
        assertError(send(c, "n1", "a\u0000b"), "invalid_field", null);
        assertError(send(c, "n2", "\u0000"), "invalid_field", null);
        assertError(rawRequest(c.wa(), "{\"type\":\"send\",\"id\":\"n3\",\"conversationId\":" + c.conversationId()
                + ",\"clientMsgId\":\"n3\",\"text\":\"lone \\ud800 surrogate\"}", "n3"), "invalid_field", "n3");
        assertError(rawRequest(c.wa(), "{\"type\":\"send\",\"id\":\"n4\",\"conversationId\":" + c.conversationId()
                + ",\"clientMsgId\":\"n4\",\"text\":\"reversed \\udc00\\ud800\"}", "n4"), "invalid_field", "n4");
        assertError(rawRequest(c.wa(), "{\"type\":\"send\",\"id\":\"n5\",\"conversationId\":" + c.conversationId()
                + ",\"clientMsgId\":\"n\\u00005\",\"text\":\"nul in the client id\"}", "n5"), "invalid_field", "n5");
        assertAlive(c.wa());
        assertNothingStored(c);
        assertOthersServed(c);
    }

    // ---------------------------------------------------------------- who may write where

    @Test
    void aMessageToANonFriendIsNotFriendsAndOpensNoConversation() {
        Chat c = chat("nf");
        Device stranger = users.newUserDevice("nf_stranger");
        JsonNode e = c.wa().request(frame("type", "send", "to", stranger.user().id(), "clientMsgId", "nf1", "text", "hello?"));
        assertError(e, "not_friends", null);
        JsonNode none = c.wa().request(frame("type", "send", "to", 987_654_321_000L, "clientMsgId", "nf2", "text", "anyone?"));
        assertThat(none.get("code").asString()).isIn("not_friends", "user_not_found");
        Api.Response list = api.get("/api/v1/conversations", stranger.accessToken());
        assertThat(list.body()).as("the stranger has no conversation").isEmpty();
        assertThat(api.get("/api/v1/conversations", c.a().accessToken()).body()).hasSize(1);

        // After the friendship ends, the existing conversation is closed for writing as well.
        Api.Response removed = api.delete("/api/v1/friends/" + c.b().user().id(), c.a().accessToken());
        assertThat(removed.status()).as(removed.raw()).isEqualTo(204);
        assertError(send(c, "nf3", "are we still friends?"), "not_friends", null);
        assertError(c.wb().request(frame("type", "send", "to", c.a().user().id(), "clientMsgId", "nf4", "text", "?")), "not_friends", null);
        assertAlive(c.wa());
        assertNothingStored(c);
    }

    @Test
    void aConversationYouAreNotInIsConversationNotFound() {
        Chat c = chat("nm");
        Device outsider = users.newUserDevice("nm_outsider");
        WsClient wo = connect(outsider);
        long conv = c.conversationId();
        assertError(wo.request(frame("type", "send", "conversationId", conv, "clientMsgId", "x1", "text", "let me in")), "conversation_not_found", null);
        assertError(wo.request(frame("type", "history", "conversationId", conv)), "conversation_not_found", null);
        assertError(wo.request(frame("type", "read", "conversationId", conv, "seq", 1)), "conversation_not_found", null);
        for (long bogus : List.of(0L, -1L, 999_999_999_999L)) {
            assertError(wo.request(frame("type", "send", "conversationId", bogus, "clientMsgId", "x" + bogus, "text", "?")), "conversation_not_found", null);
            assertError(wo.request(frame("type", "history", "conversationId", bogus)), "conversation_not_found", null);
        }
        Api.Response rest = api.get("/api/v1/conversations/" + conv + "/messages", outsider.accessToken());
        assertCleanError(rest, 404, "conversation_not_found");
        Api.Response restRead = api.post("/api/v1/conversations/" + conv + "/read", outsider.accessToken(), Map.of("seq", 1));
        assertCleanError(restRead, 404, "conversation_not_found");
        assertAlive(wo);
        assertNothingStored(c);
        assertThat(c.wa().received("message")).isEmpty();
        assertThat(c.wb().received("read")).isEmpty();
        assertOthersServed(c);
    }

    // ---------------------------------------------------------------- tokens

    @Test
    void badTokensAtTheWebSocketHandshakeGetAnErrorFrameAndClose4401() {
        Device d = users.newUserDevice("wstok");
        Device revoked = users.login(d.user(), "to-be-revoked");
        Api.Response logout = api.post("/api/v1/auth/logout", revoked.accessToken(), null);
        assertThat(logout.status()).as(logout.raw()).isEqualTo(204);

        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("garbage", "token_invalid");
        cases.put(Tokens.forged(d), "token_invalid");
        cases.put(Tokens.unsigned(d), "token_invalid");
        cases.put(Tokens.valid("not-a-number", d.sessionId()), "token_invalid");
        cases.put(Tokens.valid(d.user().id(), "not-a-number"), "token_invalid");
        cases.put(Tokens.valid(d.user().id(), null), "token_invalid");
        cases.put(Tokens.mint(ParleyServer.SIGNING_KEY, d.user().id(), d.sessionId(), new java.util.Date(), null), "token_invalid");
        cases.put(d.accessToken().substring(0, d.accessToken().length() - 4) + "AAAA", "token_invalid");
        cases.put(Tokens.expired(d, Duration.ofSeconds(5)), "token_expired");
        cases.put(revoked.accessToken(), "token_revoked");
        cases.put(Tokens.valid(d.user().id(), 987_654_321L), "token_revoked");
        for (var e : cases.entrySet()) {
            WsClient ws = WsClient.connect(server, java.net.URLEncoder.encode(e.getKey(), java.nio.charset.StandardCharsets.UTF_8));
            opened.add(ws);
            assertError(ws.await("error"), e.getValue(), null);
            assertThat(ws.awaitClose()).as("close code for %s", e.getValue()).isEqualTo(4401);
            assertThat(ws.received("hello")).isEmpty();
        }
        WsClient none = WsClient.connect(server, null);
        opened.add(none);
        assertError(none.await("error"), "unauthorized", null);
        assertThat(none.awaitClose()).isEqualTo(4401);
        WsClient header = WsClient.connectWithHeader(server, Tokens.expired(d, Duration.ofMinutes(1)));
        opened.add(header);
        assertError(header.await("error"), "token_expired", null);
        assertThat(header.awaitClose()).isEqualTo(4401);
        // The real token still works.
        assertAlive(connect(d));
    }

    @Test
    void badTokensOnRestAre401WithTheSameCodes() {
        Device d = users.newUserDevice("resttok");
        Device revoked = users.login(d.user(), "to-be-revoked");
        Api.Response revoke = api.delete("/api/v1/me/sessions/" + revoked.sessionId(), d.accessToken());
        assertThat(revoke.status()).as(revoke.raw()).isEqualTo(204);
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("garbage", "token_invalid");
        cases.put(Tokens.forged(d), "token_invalid");
        cases.put(Tokens.unsigned(d), "token_invalid");
        cases.put(Tokens.expired(d, Duration.ofSeconds(5)), "token_expired");
        cases.put(revoked.accessToken(), "token_revoked");
        for (var e : cases.entrySet()) {
            for (String path : List.of("/api/v1/me", "/api/v1/conversations", "/api/v1/sync")) {
                assertCleanError(api.get(path, e.getKey()), 401, e.getValue());
            }
            assertCleanError(api.post("/api/v1/longpoll", e.getKey(), null), 401, e.getValue());
        }
        assertCleanError(api.get("/api/v1/me", null), 401, "unauthorized");
        assertThat(api.get("/api/v1/me", d.accessToken()).status()).isEqualTo(200);
    }

    // ---------------------------------------------------------------- rate limit

    @Test
    void fastSendingIsRateLimitedAndTheConnectionWorksAfterAPause() throws Exception {
        ParleyServer slow = ParleyServer.dedicated(backend, Map.of("parley.limits.frames-per-second", 2, "parley.limits.frame-burst", 5));
        try {
            Users u = new Users(slow);
            Device a = u.newUserDevice("rate_a");
            Device b = u.newUserDevice("rate_b");
            u.befriend(a, b);
            WsClient wa = track(WsClient.connect(slow, a.accessToken()));
            WsClient wb = track(WsClient.connect(slow, b.accessToken()));
            wa.await("hello");
            wb.await("hello");

            int n = 30;
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                wa.send(frame("type", "send", "id", "s" + i, "to", b.user().id(), "clientMsgId", "rate-" + i, "text", "#" + i));
            }
            int acks = 0;
            int limited = 0;
            for (int i = 0; i < n; i++) {
                String id = "s" + i;
                JsonNode r = wa.await(x -> id.equals(WsClient.text(x, "id")), "reply to " + id);
                if ("ack".equals(r.get("type").asString())) {
                    acks++;
                } else {
                    assertError(r, "rate_limited", id);
                    limited++;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(acks).as("the burst is served").isGreaterThanOrEqualTo(5);
            assertThat(acks).as("no more than burst + refill in %.1fs", seconds).isLessThanOrEqualTo(5 + (int) Math.ceil(2 * seconds) + 1);
            assertThat(limited).isEqualTo(n - acks);

            // The other user's bucket is their own.
            assertAlive(wb);
            // Only acknowledged messages were stored, each once.
            Thread.sleep(3000); // refill: 2.5 s fills the burst of 5
            JsonNode page = wb.request(frame("type", "history", "conversationId", conversationOf(u, b), "limit", 200));
            assertThat(page.get("messages")).hasSize(acks);
            assertThat(page.get("lastSeq").asLong()).isEqualTo(acks);
            // After the pause a full burst is served again.
            for (int i = 0; i < 5; i++) assertAlive(wa);
        } finally {
            slow.stop();
        }
    }

    // ---------------------------------------------------------------- REST

    @Test
    void restMalformedJsonIsBadJsonAndWrongTypesAreInvalidField() {
        Device d = users.newUserDevice("rest");
        Device friend = users.newUserDevice("rest_f");
        users.befriend(d, friend);
        String t = d.accessToken();
        String json = "application/json";
        assertCleanError(api.postRaw("/api/v1/accounts", null, "{", json), 400, "bad_json");
        assertCleanError(api.postRaw("/api/v1/accounts", null, "{\"username\": \"x\", ", json), 400, "bad_json");
        assertCleanError(api.postRaw("/api/v1/accounts", null, "not json at all", json), 400, "bad_json");
        assertCleanError(api.postRaw("/api/v1/auth/login", null, "{\"username\":'single'}", json), 400, "bad_json");
        assertCleanError(api.postRaw("/api/v1/friends/requests", t, "{\"userId\":", json), 400, "bad_json");
        assertCleanError(api.send("POST", "/api/v1/auth/login", null, null, json), 400, "bad_json");
        assertCleanError(api.postRaw("/api/v1/auth/login", null, "", json), 400, "bad_json");

        assertCleanError(api.postRaw("/api/v1/friends/requests", t, "{\"userId\":\"abc\"}", json), 400, "invalid_field");
        assertCleanError(api.postRaw("/api/v1/friends/requests", t, "{\"userId\":{\"id\":1}}", json), 400, "invalid_field");
        assertCleanError(api.postRaw("/api/v1/friends/requests", t, "{\"userId\":[1,2]}", json), 400, "invalid_field");
        assertCleanError(api.postRaw("/api/v1/accounts", null, "{\"username\":[\"a\"],\"password\":\"x\"}", json), 400, "invalid_field");
        // A body that is not one JSON object is bad_json, as a frame that is not one is.
        assertCleanError(api.postRaw("/api/v1/accounts", null, "[1,2,3]", json), 400, "bad_json");
        assertCleanError(api.postRaw("/api/v1/conversations/1/read", t, "{\"seq\":\"abc\"}", json), 400, "invalid_field");
        assertCleanError(api.get("/api/v1/conversations/abc/messages", t), 400, "invalid_field");
        assertCleanError(api.get("/api/v1/conversations/1/messages?limit=abc", t), 400, "invalid_field");
        assertCleanError(api.get("/api/v1/conversations/1/messages?limit=0", t), 400, "invalid_field");
        assertCleanError(api.get("/api/v1/sync?token=not-a-token", t), 400, "invalid_field");
        assertCleanError(api.get("/api/v1/longpoll/x?ack=abc", t), 400, "invalid_field");
        assertCleanError(api.delete("/api/v1/me/sessions/abc", t), 400, "invalid_field");

        Api.Response media = api.postRaw("/api/v1/accounts", null, "username=x", "application/x-www-form-urlencoded");
        assertThat(media.status()).isEqualTo(415);
        assertOnlyCodeAndMessage(media);
        Api.Response missing = api.get("/api/v1/no-such-thing", t);
        assertCleanError(missing, 404, "not_found");
        Api.Response method = api.send("PUT", "/api/v1/accounts", null, "{}", json);
        assertThat(method.status()).isEqualTo(405);
        assertOnlyCodeAndMessage(method);

        // A body far over any limit is refused cleanly, and the server carries on.
        assertCleanError(api.postRaw("/api/v1/accounts", null, "{\"username\":\"" + "u".repeat(2_000_000) + "\"}", json), 413, "frame_too_large");

        // Nothing was created by any of it.
        assertThat(api.get("/api/v1/friends/requests?direction=outgoing", t).body()).isEmpty();
        assertThat(api.get("/api/v1/friends", t).body()).hasSize(1);
        assertThat(api.get("/api/v1/me", t).status()).isEqualTo(200);
    }

    @Test
    void aBadRequestBodyDoesNotCostTheServerADatabaseConnection() throws Exception {
        Device d = users.newUserDevice("pool");
        Set<Integer> before = backendPids();
        for (int i = 0; i < 20; i++) {
            // The body fails to decode while the caller's token is still being checked against the database.
            assertCleanError(api.postRaw("/api/v1/friends/requests", d.accessToken(), "{\"userId\":", "application/json"), 400, "bad_json");
            assertCleanError(api.postRaw("/api/v1/conversations/1/read", d.accessToken(), "{\"seq\":\"x\"}", "application/json"), 400, "invalid_field");
        }
        assertThat(api.get("/api/v1/me", d.accessToken()).status()).isEqualTo(200);
        Set<Integer> after = backendPids();
        assertThat(after).as("database connections that were open before are still open").containsAll(before);
    }

    // ---------------------------------------------------------------- helpers

    /**
     * The server processes connected to this run's PostgreSQL database (its pooled connections). On SQLite there
     * is no connection to lose: the test then only checks that the server carries on.
     */
    private Set<Integer> backendPids() throws Exception {
        Set<Integer> pids = new HashSet<>();
        if (backend != Backend.POSTGRESQL) return pids;
        String url = server.bean(org.springframework.core.env.Environment.class).getProperty("parley.database.url");
        String db = url.substring(url.lastIndexOf('/') + 1);
        String admin = url.substring(0, url.lastIndexOf('/') + 1) + "postgres";
        try (Connection c = DriverManager.getConnection(admin, "postgres", "");
             PreparedStatement ps = c.prepareStatement("SELECT pid FROM pg_stat_activity WHERE datname = ?")) {
            ps.setString(1, db);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) pids.add(rs.getInt(1));
            }
        }
        assertThat(pids).as("the server's pool is connected").isNotEmpty();
        return pids;
    }

    private Chat chat(String prefix) {
        Device a = users.newUserDevice(prefix + "_a");
        Device b = users.newUserDevice(prefix + "_b");
        users.befriend(a, b);
        WsClient wa = connect(a);
        WsClient wb = connect(b);
        JsonNode ack = wa.request(frame("type", "send", "to", b.user().id(), "clientMsgId", "first", "text", "first message"));
        assertThat(ack.get("seq").asLong()).as(ack.toString()).isEqualTo(1);
        assertThat(wb.await("message").get("text").asString()).isEqualTo("first message");
        return new Chat(a, b, wa, wb, ack.get("conversationId").asLong());
    }

    /** Each raw frame gets an error with {@code code} (no id) and the connection still answers a ping. */
    private static void assertEachRefused(Chat c, String code, List<String> raws) {
        for (String raw : raws) {
            c.wa().sendRaw(raw);
            assertError(c.wa().await("error"), code, null);
            assertAlive(c.wa());
        }
    }

    private static long conversationOf(Users u, Device d) {
        return u.api().get("/api/v1/conversations", d.accessToken()).body().get(0).get("conversation").get("id").asLong();
    }

    private static JsonNode send(Chat c, String clientMsgId, String text) {
        return c.wa().request(frame("type", "send", "conversationId", c.conversationId(), "clientMsgId", clientMsgId, "text", text));
    }

    /** A map frame that, unlike Map.of, keeps order and allows null values. */
    static Map<String, Object> frame(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    /** Sends a hand-written frame and returns the reply carrying {@code id}. */
    private static JsonNode rawRequest(WsClient ws, String raw, String id) {
        ws.sendRaw(raw);
        return ws.await(n -> id.equals(WsClient.text(n, "id")), "reply to " + id);
    }

    /** Sends a frame whose id cannot be read, and returns the next error. */
    private static JsonNode rawRequestNoId(WsClient ws, String raw) {
        ws.sendRaw(raw);
        return ws.await("error");
    }

    /** {@code prefix} + 'x' padding + {@code "}"} to exactly {@code bytes} UTF-8 bytes. */
    private static String padded(String prefix, int bytes) {
        return prefix + "x".repeat(bytes - prefix.length() - 2) + "\"}";
    }

    static void assertError(JsonNode reply, String code, String id) {
        assertThat(reply.get("type").asString()).as(reply.toString()).isEqualTo("error");
        assertThat(reply.get("code").asString()).as(reply.toString()).isEqualTo(code);
        assertThat(reply.get("message").asString()).isNotBlank();
        assertThat(reply.propertyNames()).as(reply.toString()).isSubsetOf("type", "id", "code", "message", "retryAfter");
        // Only a rate-limit refusal says when to try again, in whole seconds.
        assertThat(reply.has("retryAfter")).as(reply.toString()).isEqualTo(code.equals("rate_limited"));
        if (reply.has("retryAfter")) assertThat(reply.get("retryAfter").asLong()).as(reply.toString()).isPositive();
        if (id != null) assertThat(WsClient.text(reply, "id")).isEqualTo(id);
        assertNoInternals(reply.toString());
    }

    static void assertCleanError(Api.Response r, int status, String code) {
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        assertThat(r.code()).as(r.raw()).isEqualTo(code);
        assertOnlyCodeAndMessage(r);
    }

    static void assertOnlyCodeAndMessage(Api.Response r) {
        assertThat(r.body()).as("error body of %d", r.status()).isNotNull();
        assertThat(r.body().propertyNames()).as(r.raw()).containsExactlyInAnyOrder("code", "message");
        assertThat(r.body().get("message").asString()).isNotBlank();
        assertNoInternals(r.raw());
    }

    static void assertNoInternals(String text) {
        assertThat(text).doesNotContain("Exception", "\tat ", "dev.parley.", "java.", "tools.jackson", "springframework", "reactor.");
    }

    static void assertAlive(WsClient ws) {
        JsonNode pong = ws.request(Map.of("type", "ping"));
        assertThat(pong.get("type").asString()).as(pong.toString()).isEqualTo("pong");
    }

    /** The conversation still holds only the chat's first message. */
    private static void assertNothingStored(Chat c) {
        assertNothingStoredFor(c.wb(), c.conversationId());
    }

    private static void assertNothingStoredFor(WsClient reader, long conversationId) {
        JsonNode page = reader.request(frame("type", "history", "conversationId", conversationId));
        assertThat(page.get("type").asString()).as(page.toString()).isEqualTo("history");
        assertThat(page.get("lastSeq").asLong()).isEqualTo(1);
        assertThat(page.get("messages")).hasSize(1);
        assertThat(page.get("messages").get(0).get("text").asString()).isEqualTo("first message");
    }

    /** The peer's connection still works both ways: it sends, and the (surviving) first device receives. */
    private static void assertOthersServed(Chat c) {
        assertAlive(c.wb());
        long next = c.wb().request(frame("type", "history", "conversationId", c.conversationId())).get("lastSeq").asLong() + 1;
        String text = "still served " + next;
        JsonNode ack = c.wb().request(frame("type", "send", "conversationId", c.conversationId(), "clientMsgId", "served-" + next, "text", text));
        assertThat(ack.get("seq").asLong()).as(ack.toString()).isEqualTo(next);
        assertThat(c.wa().await(n -> "message".equals(WsClient.text(n, "type")) && text.equals(WsClient.text(n, "text")), text)).isNotNull();
    }
}
