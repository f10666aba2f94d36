package dev.parley;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testkit.Api;
import dev.parley.testkit.Backend;
import dev.parley.testkit.OnBothDatabases;
import dev.parley.testkit.Users.Device;
import dev.parley.testkit.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * The issue's "done when": two users with two devices each befriend and chat live; one goes offline, the other
 * sends, the first reconnects and has every message exactly once and in order. Over real HTTP and WebSockets.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class DirectChatScenarioTest extends OnBothDatabases {

    @Test
    void twoUsersWithTwoDevicesChatLiveAndCatchUpExactlyOnceAfterBeingOffline() {
        Device alicePhone = users.newUserDevice("alice");
        Device aliceLaptop = users.login(alicePhone.user(), "alice-laptop");
        Device bobPhone = users.newUserDevice("bob");
        Device bobLaptop = users.login(bobPhone.user(), "bob-laptop");
        users.befriend(alicePhone, bobPhone);

        WsClient ap = WsClient.connect(server, alicePhone.accessToken());
        WsClient al = WsClient.connect(server, aliceLaptop.accessToken());
        WsClient bp = WsClient.connect(server, bobPhone.accessToken());
        WsClient bl = WsClient.connectWithHeader(server, bobLaptop.accessToken());
        for (WsClient c : List.of(ap, al, bp, bl)) assertThat(c.await("hello").get("userId").asLong()).isPositive();

        // Live: alice's phone writes to bob; both of bob's devices and alice's other device get it.
        JsonNode ack = ap.request(Map.of("type", "send", "to", bobPhone.user().id(), "clientMsgId", "m1", "text", "hello bob"));
        assertThat(ack.get("type").asString()).isEqualTo("ack");
        assertThat(ack.get("seq").asLong()).isEqualTo(1);
        long conversationId = ack.get("conversationId").asLong();
        for (WsClient c : List.of(al, bp, bl)) {
            JsonNode m = c.await("message");
            assertThat(m.get("text").asString()).isEqualTo("hello bob");
            assertThat(m.get("seq").asLong()).isEqualTo(1);
            assertThat(m.get("senderId").asLong()).isEqualTo(alicePhone.user().id());
            assertThat(m.get("conversationId").asLong()).isEqualTo(conversationId);
        }

        JsonNode reply = bl.request(Map.of("type", "send", "conversationId", conversationId, "clientMsgId", "b1", "text", "hi alice"));
        assertThat(reply.get("seq").asLong()).isEqualTo(2);
        for (WsClient c : List.of(ap, al, bp)) assertThat(c.await("message").get("text").asString()).isEqualTo("hi alice");

        // Bob remembers where he is, then both his devices drop (one cleanly, one by losing the network).
        String token = bp.request(Map.of("type", "sync")).get("token").asString();
        bp.close();
        bl.abort();

        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String text = "while you were away " + i;
            sent.add(text);
            ap.send(Map.of("type", "send", "id", "o" + i, "conversationId", conversationId, "clientMsgId", "away-" + i, "text", text));
        }
        for (int i = 0; i < 5; i++) {
            String id = "o" + i;
            assertThat(ap.await(n -> id.equals(WsClient.text(n, "id")), "ack " + id).get("seq").asLong()).isEqualTo(3 + i);
        }

        // Bob's phone comes back: one sync, then one history pull from its last seen sequence.
        WsClient bp2 = WsClient.connect(server, bobPhone.accessToken());
        bp2.await("hello");
        JsonNode sync = bp2.request(Map.of("type", "sync", "token", token));
        JsonNode moved = findConversation(sync.get("conversations"), conversationId);
        assertThat(moved).as("the conversation moved").isNotNull();
        assertThat(moved.get("lastSeq").asLong()).isEqualTo(7);
        assertThat(moved.get("unread").asLong()).isEqualTo(5);
        JsonNode page = bp2.request(Map.of("type", "history", "conversationId", conversationId, "after", 2));
        List<String> caughtUp = new ArrayList<>();
        List<Long> seqs = new ArrayList<>();
        for (JsonNode m : page.get("messages")) {
            caughtUp.add(m.get("text").asString());
            seqs.add(m.get("seq").asLong());
        }
        assertThat(seqs).containsExactly(3L, 4L, 5L, 6L, 7L);
        assertThat(caughtUp).containsExactlyElementsOf(sent);
        assertThat(page.get("hasMore").asBoolean()).isFalse();

        // Alice's laptop saw every message once, in order.
        al.await(n -> "message".equals(WsClient.text(n, "type")) && n.get("seq").asLong() == 7, "seq 7 on alice's laptop");
        assertThat(al.received("message").stream().map(n -> n.get("seq").asLong()).toList())
                .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        // The sending device has acks, not copies of its own messages.
        assertThat(ap.received("message").stream().map(n -> n.get("seq").asLong()).toList()).containsExactly(2L);

        // Reading on the phone reaches the laptop and the conversation list.
        WsClient bl2 = WsClient.connect(server, bobLaptop.accessToken());
        bl2.await("hello");
        JsonNode read = bp2.request(Map.of("type", "read", "conversationId", conversationId, "seq", 7));
        assertThat(read.get("readSeq").asLong()).isEqualTo(7);
        JsonNode pushed = bl2.await("read");
        assertThat(pushed.get("conversationId").asLong()).isEqualTo(conversationId);
        assertThat(pushed.get("unread").asLong()).isZero();
        Api.Response list = api.get("/api/v1/conversations", bobLaptop.accessToken());
        JsonNode entry = list.body().get(0);
        assertThat(entry.get("conversation").get("id").asLong()).isEqualTo(conversationId);
        assertThat(entry.get("conversation").get("unread").asLong()).isZero();
        assertThat(entry.get("conversation").get("peer").get("id").asLong()).isEqualTo(alicePhone.user().id());
        assertThat(entry.get("lastMessage").get("text").asString()).isEqualTo(sent.get(4));

        for (WsClient c : List.of(ap, al, bp2, bl2)) c.close();
    }

    @Test
    void manyQuickMessagesArriveInSequenceOrderWithoutGapsOrDuplicates() {
        Device a = users.newUserDevice("quick_a");
        Device b = users.newUserDevice("quick_b");
        users.befriend(a, b);
        WsClient sender = WsClient.connect(server, a.accessToken());
        WsClient receiver = WsClient.connect(server, b.accessToken());
        sender.await("hello");
        receiver.await("hello");
        int n = 30; // within the default per-connection burst
        for (int i = 0; i < n; i++) {
            sender.send(Map.of("type", "send", "id", "q" + i, "to", b.user().id(), "clientMsgId", "q" + i, "text", "#" + i));
        }
        receiver.await(x -> "message".equals(WsClient.text(x, "type")) && x.get("seq").asLong() == n, "the last message", Duration.ofSeconds(20));
        List<Long> seqs = receiver.received("message").stream().map(x -> x.get("seq").asLong()).toList();
        List<Long> expected = new ArrayList<>();
        for (long i = 1; i <= n; i++) expected.add(i);
        assertThat(seqs).containsExactlyElementsOf(expected);
        List<String> texts = receiver.received("message").stream().map(x -> x.get("text").asString()).toList();
        assertThat(texts.get(0)).isEqualTo("#0");
        assertThat(texts.get(n - 1)).isEqualTo("#" + (n - 1));
        sender.close();
        receiver.close();
    }

    @Test
    void aRetriedSendIsStoredOnceAndAnsweredWithTheOriginalAck() {
        Device a = users.newUserDevice("retry_a");
        Device b = users.newUserDevice("retry_b");
        WsClient ws = befriendAndConnect(a, b);
        JsonNode first = sendTo(ws, b, "same", "once");
        ws.close();
        // The ack was "lost": a new connection retries with the same clientMsgId.
        WsClient again = WsClient.connect(server, a.accessToken());
        again.await("hello");
        JsonNode second = sendTo(again, b, "same", "once");
        assertThat(second.get("messageId").asLong()).isEqualTo(first.get("messageId").asLong());
        assertThat(second.get("seq").asLong()).isEqualTo(first.get("seq").asLong());
        assertThat(second.get("sentAt").asLong()).isEqualTo(first.get("sentAt").asLong());
        assertThat(second.get("duplicate").asBoolean()).isTrue();
        JsonNode history = again.request(Map.of("type", "history", "conversationId", first.get("conversationId").asLong()));
        assertThat(history.get("messages")).hasSize(1);
        again.close();
    }

    @Test
    void retriesSentAtOnceFromSeveralConnectionsAreStoredOnceAndAllGetTheAck() {
        // On SQLite they usually meet in one batch of the writer: the losers collide with a row not yet committed,
        // and must still find it once they are told.
        Device a = users.newUserDevice("retry_e");
        Device b = users.newUserDevice("retry_f");
        users.befriend(a, b);
        List<WsClient> connections = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            WsClient ws = WsClient.connect(server, a.accessToken());
            ws.await("hello");
            connections.add(ws);
        }
        for (int round = 0; round < 5; round++) {
            String clientMsgId = "burst" + round;
            for (WsClient ws : connections) {
                ws.send(Map.of("type", "send", "id", clientMsgId, "to", b.user().id(), "clientMsgId", clientMsgId, "text", "once " + round));
            }
            List<JsonNode> replies = connections.stream()
                    .map(ws -> ws.await(n -> clientMsgId.equals(n.path("id").asString()), "the reply to " + clientMsgId)).toList();
            for (JsonNode r : replies) assertThat(r.get("type").asString()).as(r.toString()).isEqualTo("ack");
            assertThat(replies.stream().map(r -> r.get("messageId").asLong()).distinct()).hasSize(1);
            assertThat(replies.stream().filter(r -> !r.get("duplicate").asBoolean())).as("one original ack").hasSize(1);
        }
        JsonNode history = connections.get(0).request(Map.of("type", "history", "conversationId",
                sendTo(connections.get(0), b, "burst0", "once 0").get("conversationId").asLong()));
        assertThat(history.get("messages")).hasSize(5);
        connections.forEach(WsClient::close);
    }

    @Test
    void aRetryOfAStoredMessageGetsItsAckEvenWhenANewSendWouldBeRefused() {
        Device a = users.newUserDevice("retry_c");
        Device b = users.newUserDevice("retry_d");
        WsClient ws = befriendAndConnect(a, b);
        JsonNode first = sendTo(ws, b, "kept", "before");
        assertThat(first.get("type").asString()).as(first.toString()).isEqualTo("ack");
        assertThat(api.delete("/api/v1/friends/" + b.user().id(), a.accessToken()).status()).isEqualTo(204);

        // By conversation and by user: the stored message's ack, not not_friends, and nothing stored twice.
        JsonNode byConversation = ws.request(Map.of("type", "send", "conversationId", first.get("conversationId").asLong(),
                "clientMsgId", "kept", "text", "before"));
        JsonNode byUser = sendTo(ws, b, "kept", "before");
        for (JsonNode again : List.of(byConversation, byUser)) {
            assertThat(again.get("type").asString()).as(again.toString()).isEqualTo("ack");
            assertThat(again.get("messageId").asLong()).isEqualTo(first.get("messageId").asLong());
            assertThat(again.get("duplicate").asBoolean()).isTrue();
        }
        // A new message is refused.
        JsonNode refused = sendTo(ws, b, "new", "after");
        assertThat(refused.get("type").asString()).as(refused.toString()).isEqualTo("error");
        assertThat(refused.get("code").asString()).isEqualTo("not_friends");
        JsonNode history = ws.request(Map.of("type", "history", "conversationId", first.get("conversationId").asLong()));
        assertThat(history.get("messages")).hasSize(1);
        ws.close();
    }

    /** {@code a} and {@code b} become friends; a's connection, past its hello. */
    private WsClient befriendAndConnect(Device a, Device b) {
        users.befriend(a, b);
        WsClient ws = WsClient.connect(server, a.accessToken());
        ws.await("hello");
        return ws;
    }

    private static JsonNode sendTo(WsClient ws, Device to, String clientMsgId, String text) {
        return ws.request(Map.of("type", "send", "to", to.user().id(), "clientMsgId", clientMsgId, "text", text));
    }

    static JsonNode findConversation(JsonNode list, long id) {
        for (JsonNode c : list) if (c.get("id").asLong() == id) return c;
        return null;
    }
}
