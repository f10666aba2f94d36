package dev.parley.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.account.Caller;
import dev.parley.platform.Db;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.ParleyException;
import dev.parley.testkit.Backend;
import dev.parley.testkit.ParleyServer;
import dev.parley.testkit.Users;
import dev.parley.testkit.Users.Device;
import dev.parley.testkit.WsClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * PostgreSQL's group commit for plain direct sends (ADR 0015): one statement stores a batch with the checks and
 * numbering of the one-by-one path, and leaves what it must not store to that path. Batches are built by hand here
 * so that each test knows what shares a statement; the protocol tests send through the lanes on PostgreSQL.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DirectSendBatchesTest {
    private final ParleyServer server = ParleyServer.shared(Backend.POSTGRESQL);
    private final Users users = new Users(server);
    private final DirectSendBatches batches = server.bean(DirectSendBatches.class);
    private final Db db = server.bean(Db.class);

    private record Pair(Device alice, Device bob, long conversationId) {}

    /** Two friends and their direct conversation, opened with one message from alice (seq 1). */
    private Pair friends() {
        Device alice = users.newUserDevice("batch_a");
        Device bob = users.newUserDevice("batch_b");
        users.befriend(alice, bob);
        try (WsClient ws = WsClient.connect(server, alice.accessToken())) {
            ws.await("hello");
            JsonNode ack = ws.request(Map.of("type", "send", "to", bob.user().id(), "clientMsgId", "open", "text", "first"));
            assertThat(ack.get("seq").asLong()).isEqualTo(1);
            return new Pair(alice, bob, ack.get("conversationId").asLong());
        }
    }

    private static DirectSendBatches.Pending pending(Device from, long conversationId, String clientMsgId, String text) {
        return new DirectSendBatches.Pending(from.user().id(), conversationId, clientMsgId, text, null, new CompletableFuture<>());
    }

    @Test
    void defaultLanesAreAQuarterOfThePoolAtMostFourAndAtMostTheCores() {
        assertThat(DirectSendBatches.defaultLanes(16, 2)).isEqualTo(2);
        assertThat(DirectSendBatches.defaultLanes(16, 8)).isEqualTo(4);
        assertThat(DirectSendBatches.defaultLanes(32, 16)).isEqualTo(4);
        assertThat(DirectSendBatches.defaultLanes(8, 8)).isEqualTo(2);
        assertThat(DirectSendBatches.defaultLanes(2, 8)).isEqualTo(1); // never none: 0 only when configured
        assertThat(DirectSendBatches.defaultLanes(16, 1)).isEqualTo(1);
    }

    @Test
    void aBatchNumbersEverySendInOrderMovesEachSendersCursorAndPushesInOrder() {
        Pair p = friends();
        try (WsClient bobWs = WsClient.connect(server, p.bob().accessToken())) {
            bobWs.await("hello");
            List<DirectSendBatches.Pending> batch = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                Device from = i % 3 == 2 ? p.bob() : p.alice();
                batch.add(pending(from, p.conversationId(), "b" + i, "batched " + i));
            }
            batches.store(batch);

            for (int i = 0; i < 10; i++) {
                SendAck ack = batch.get(i).done().getNow(null);
                assertThat(ack).as("send %d stored", i).isNotNull();
                assertThat(ack.seq()).isEqualTo(2 + i);
                assertThat(ack.conversationId()).isEqualTo(p.conversationId());
                assertThat(ack.duplicate()).isFalse();
            }
            long conversation = p.conversationId();
            long lastSeq = db.read(tx -> tx.queryLong("SELECT last_seq FROM conversations WHERE id = ?", conversation));
            assertThat(lastSeq).isEqualTo(11);
            // Alice sent seq 11 last (i = 9), bob seq 10 (i = 8): each one's read cursor is at their own last send.
            assertThat(readSeq(conversation, p.alice())).isEqualTo(11);
            assertThat(readSeq(conversation, p.bob())).isEqualTo(10);
            List<String> stored = db.read(tx -> tx.query("SELECT body FROM messages WHERE conversation_id = ? AND seq > 1 ORDER BY seq",
                    rs -> rs.getString(1), conversation));
            assertThat(stored).containsExactly("batched 0", "batched 1", "batched 2", "batched 3", "batched 4", "batched 5",
                    "batched 6", "batched 7", "batched 8", "batched 9");

            // Bob's own sends had no origin connection here, so his device gets all ten, in sequence order.
            List<Long> seqs = new ArrayList<>();
            for (int i = 0; i < 10; i++) seqs.add(bobWs.await("message").get("seq").asLong());
            assertThat(seqs).containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
        }
    }

    @Test
    void whatTheStatementMustNotStoreIsLeftToTheOneByOnePath() {
        Pair p = friends();
        Pair other = friends();
        Device stranger = users.newUserDevice("batch_s");
        // In the other pair, bob blocks alice.
        assertThat(users.api().put("/api/v1/blocks/" + other.alice().user().id(), other.bob().accessToken()).status()).isBetween(200, 204);

        DirectSendBatches.Pending ok = pending(p.alice(), p.conversationId(), "x1", "stored");
        DirectSendBatches.Pending twice = pending(p.alice(), p.conversationId(), "x1", "same clientMsgId, same batch");
        DirectSendBatches.Pending retry = pending(p.alice(), p.conversationId(), "open", "a retry of the first message");
        DirectSendBatches.Pending notMember = pending(stranger, p.conversationId(), "x2", "not a member");
        DirectSendBatches.Pending blocked = pending(other.alice(), other.conversationId(), "x3", "blocked");
        batches.store(List.of(ok, twice, retry, notMember, blocked));

        assertThat(ok.done().getNow(null)).isNotNull().extracting(SendAck::seq).isEqualTo(2L);
        for (DirectSendBatches.Pending left : List.of(twice, retry, notMember, blocked)) {
            assertThat(left.done()).as(left.text()).isNotDone();
        }
        long c = p.conversationId();
        long stored = db.read(tx -> tx.queryLong("SELECT COUNT(*) FROM messages WHERE conversation_id = ?", c));
        assertThat(stored).isEqualTo(2);
        long o = other.conversationId();
        long otherLast = db.read(tx -> tx.queryLong("SELECT last_seq FROM conversations WHERE id = ?", o));
        assertThat(otherLast).as("a refused send takes no number").isEqualTo(1);

        // The one-by-one path then answers each as it always has: the retries get the stored acks.
        MessageSending sending = server.bean(MessageSending.class);
        SendAck again = sending.send(new Caller(p.alice().user().id(), p.alice().sessionId()),
                new MessageSending.SendRequest(c, null, "x1", "same clientMsgId, same batch"), null);
        assertThat(again.duplicate()).isTrue();
        assertThat(again.messageId()).isEqualTo(ok.done().getNow(null).messageId());
        assertThatThrownBy(() -> sending.send(new Caller(stranger.user().id(), stranger.sessionId()),
                new MessageSending.SendRequest(c, null, "x2", "not a member"), null))
                .isInstanceOfSatisfying(ParleyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONVERSATION_NOT_FOUND));
    }

    @Test
    void aBatchThatFailsStoresNothingAndTheConversationGoesOn() {
        Pair p = friends();
        DirectSendBatches.Pending first = pending(p.alice(), p.conversationId(), "f1", "fine");
        // PostgreSQL text cannot hold U+0000: the statement fails as a whole (the frame decoder refuses it earlier).
        DirectSendBatches.Pending bad = pending(p.alice(), p.conversationId(), "f2", "nul \u0000 byte");
        assertThatThrownBy(() -> batches.store(List.of(first, bad))).isInstanceOf(RuntimeException.class);
        assertThat(first.done()).isNotDone();
        long c = p.conversationId();
        long last = db.read(tx -> tx.queryLong("SELECT last_seq FROM conversations WHERE id = ?", c));
        assertThat(last).isEqualTo(1);

        // The same send, one by one, takes seq 2 and is pushed: nothing of the failed batch is left in the way.
        try (WsClient bobWs = WsClient.connect(server, p.bob().accessToken());
             WsClient aliceWs = WsClient.connect(server, p.alice().accessToken())) {
            bobWs.await("hello");
            aliceWs.await("hello");
            JsonNode ack = aliceWs.request(Map.of("type", "send", "conversationId", c, "clientMsgId", "f1", "text", "fine"));
            assertThat(ack.get("seq").asLong()).isEqualTo(2);
            assertThat(bobWs.await("message").get("text").asString()).isEqualTo("fine");
        }
    }

    private long readSeq(long conversationId, Device who) {
        return db.read(tx -> tx.queryLong("SELECT read_seq FROM conversation_members WHERE conversation_id = ? AND user_id = ?",
                conversationId, who.user().id()));
    }
}
