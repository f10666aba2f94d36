package dev.parley.messaging;

import dev.parley.conversation.Conversations;
import dev.parley.conversation.Recipients;
import dev.parley.delivery.Connection;
import dev.parley.delivery.Delivery;
import dev.parley.delivery.SequencedPushes;
import dev.parley.platform.Db;
import dev.parley.platform.Dialect;
import dev.parley.platform.ParleyProperties;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * PostgreSQL group commit for the plain direct send: text only, to a direct conversation by its id, no reply,
 * mentions, forward or attachments (the hot path of a chat server). Sends wait in a lane's queue; the lane's thread
 * takes everything that queued while its last batch ran (up to {@link #MAX_BATCH}) and stores it with one
 * statement (checks, numbering, insert and the senders' read cursors, as data-modifying CTEs over {@code unnest}
 * arrays) and one commit: two round trips for the whole batch instead of four for each send. On this box a round
 * trip, not the statement, is what a send costs PostgreSQL and the server (docs/benchmarks.md, ADR 0015).
 * <p>A send the statement did not store (refused by a check, a retry of a stored message, the second of two sends
 * with one clientMsgId in a batch), and every send of a batch that failed, goes back to its caller with
 * {@code null}: the caller then runs the one-by-one path, which stores it or gives the exact error and ack.
 * <p>Lanes split sends by conversation id, so two batches never wait for each other's conversation rows.
 */
@Component
class DirectSendBatches implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DirectSendBatches.class);
    /** Sends per statement: about 60 KB of arrays at most; larger batches did not raise throughput. */
    static final int MAX_BATCH = 256;

    /** One plain direct send waiting for its batch. */
    record Pending(long senderId, long conversationId, String clientMsgId, String text, Connection origin,
                   CompletableFuture<SendAck> done) {}

    /** A row the statement stored. */
    private record Stored(int index, long id, long seq, long memberSeq, long memberCount, long peerId) {}

    private final Db db;
    private final EntryViews views;
    private final SequencedPushes order;
    private final Delivery delivery;
    private final Recipients recipients;
    private final Clock clock;
    private final JsonMapper json;
    private final List<LinkedBlockingQueue<Pending>> lanes = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;

    DirectSendBatches(Db db, EntryViews views, SequencedPushes order, Delivery delivery, Recipients recipients, Clock clock,
                      JsonMapper json, ParleyProperties props) {
        this.db = db;
        this.views = views;
        this.order = order;
        this.delivery = delivery;
        this.recipients = recipients;
        this.clock = clock;
        this.json = json;
        if (db.dialect() != Dialect.POSTGRESQL) return; // SQLite's one writer already commits in groups
        // A quarter of the writer pool: batches never starve the one-by-one writes (groups, edits, receipts).
        int count = Math.max(1, Math.min(4, props.database().poolSize() / 4));
        for (int i = 0; i < count; i++) {
            LinkedBlockingQueue<Pending> lane = new LinkedBlockingQueue<>();
            lanes.add(lane);
            threads.add(Thread.ofVirtual().name("parley-send-batch-" + i).start(() -> run(lane)));
        }
    }

    /**
     * Groups seen by the one-by-one path: their sends skip the batch, which would only refuse them (a conversation
     * never changes kind). Bounded: emptied when full, which costs a group one refused batch row per send, once.
     */
    private final Set<Long> groups = ConcurrentHashMap.newKeySet();
    private static final int MAX_GROUPS_REMEMBERED = 100_000;

    /** True when a send to this conversation may go in a batch. */
    boolean accepts(long conversationId) {
        return !lanes.isEmpty() && !groups.contains(conversationId);
    }

    /** The one-by-one path found that this conversation is a group. */
    void group(long conversationId) {
        if (lanes.isEmpty()) return;
        if (groups.size() >= MAX_GROUPS_REMEMBERED) groups.clear();
        groups.add(conversationId);
    }

    /**
     * Stores a plain direct send in the next batch of its lane. Returns its ack, or null when the batch did not
     * store it: the caller then takes the one-by-one path.
     */
    SendAck send(long senderId, long conversationId, String clientMsgId, String text, Connection origin) {
        if (closed) return null;
        Pending p = new Pending(senderId, conversationId, clientMsgId, text, origin, new CompletableFuture<>());
        lanes.get((int) Math.floorMod(conversationId, (long) lanes.size())).add(p);
        return p.done().join();
    }

    private void run(LinkedBlockingQueue<Pending> lane) {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        while (!closed) {
            try {
                batch.add(lane.take());
            } catch (InterruptedException e) {
                break;
            }
            lane.drainTo(batch, MAX_BATCH - 1);
            try {
                store(batch);
            } catch (RuntimeException | Error e) {
                log.warn("A batch of sends failed; each send is retried one by one", e);
            } finally {
                for (Pending p : batch) p.done().complete(null); // no-op for those already answered
                batch.clear();
            }
        }
        for (Pending p; (p = lane.poll()) != null; ) p.done().complete(null);
    }

    /** Stores what it can of one batch and answers those sends; package-private for DirectSendBatchesTest. */
    void store(List<Pending> batch) {
        // Two sends with one (sender, clientMsgId) in one statement would break its unique key and fail the whole
        // batch: the second goes one by one after this batch committed, and gets the first one's ack.
        List<Pending> run = new ArrayList<>(batch.size());
        Set<String> keys = new HashSet<>();
        for (Pending p : batch) if (keys.add(p.senderId() + ":" + p.clientMsgId())) run.add(p);
        int n = run.size();
        Integer[] index = new Integer[n];
        Long[] senders = new Long[n];
        Long[] conversations = new Long[n];
        String[] clientMsgIds = new String[n];
        String[] bodies = new String[n];
        for (int i = 0; i < n; i++) {
            Pending p = run.get(i);
            index[i] = i;
            senders[i] = p.senderId();
            conversations[i] = p.conversationId();
            clientMsgIds[i] = p.clientMsgId();
            bodies[i] = p.text();
        }
        long now = clock.millis();
        Map<Pending, Outbox> outboxes = new HashMap<>();
        List<Stored> stored;
        try {
            stored = db.write(tx -> {
                for (Outbox o : outboxes.values()) o.cancelAll();
                outboxes.clear();
                List<Stored> rows = tx.query(STATEMENT,
                        rs -> new Stored(rs.getInt(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6)),
                        tx.array("int4", index), tx.array("int8", senders), tx.array("int8", conversations),
                        tx.array("text", clientMsgIds), tx.array("text", bodies), now, now, now, now);
                // Reserved before the commit, under the conversations' row locks: pushes keep sequence order.
                for (Stored s : rows) {
                    Pending p = run.get(s.index());
                    EntryView view = views.view(new EntryViews.Stored(s.id(), p.conversationId(), s.seq(), p.senderId(),
                            p.clientMsgId(), p.text(), now, EntryView.TEXT, null, null, json.createObjectNode(), null, null, null));
                    Outbox out = new Outbox(delivery, recipients, p.origin());
                    out.add(order.reserve(p.conversationId(), s.seq()), view, s.memberSeq(), s.memberCount(),
                            List.of(p.senderId(), s.peerId()));
                    outboxes.put(p, out);
                }
                return rows;
            });
        } catch (RuntimeException e) {
            for (Outbox o : outboxes.values()) o.cancelAll();
            throw e;
        }
        for (Stored s : stored) {
            Pending p = run.get(s.index());
            outboxes.get(p).publish();
            p.done().complete(new SendAck(p.clientMsgId(), p.conversationId(), s.id(), s.seq(), now, false));
        }
    }

    /**
     * The one-by-one path's checks and writes for many sends: {@link MessageSending} (an active member of a direct
     * conversation whose peer {@code Relationships.mayMessage}, no earlier send with this clientMsgId), then
     * {@link Conversations#NUMBERING} for a message (one conversation row update per conversation, however many
     * of the batch's sends go to it), the inserts, and each sender's read cursor moved to their last send. Rows
     * that fail a check are simply not in the result. Parameters: the five arrays, then now four times.
     */
    private static final String STATEMENT = """
            WITH input AS (
                SELECT * FROM unnest(?::int[], ?::bigint[], ?::bigint[], ?::text[], ?::text[]) AS i(idx, sender, conv, cmid, body)),
            checked AS (
                SELECT i.idx, i.sender, i.conv, i.cmid, i.body, p.user_id AS peer
                FROM input i
                JOIN conversations c ON c.id = i.conv AND c.kind = 'direct'
                JOIN conversation_members m ON m.conversation_id = c.id AND m.user_id = i.sender AND m.left_seq IS NULL
                JOIN conversation_members p ON p.conversation_id = c.id AND p.user_id <> i.sender
                WHERE EXISTS (SELECT 1 FROM friendships f WHERE f.user_id = i.sender AND f.friend_id = p.user_id)
                  AND NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.blocker_id = i.sender AND b.blocked_id = p.user_id)
                                                        OR (b.blocker_id = p.user_id AND b.blocked_id = i.sender))
                  AND NOT EXISTS (SELECT 1 FROM messages x WHERE x.sender_id = i.sender AND x.client_msg_id = i.cmid)),
            counts AS (SELECT conv, COUNT(*) AS n FROM checked GROUP BY conv),
            slot AS (
                UPDATE conversations c SET last_seq = c.last_seq + counts.n, last_activity_at = ?::bigint, updated_at = ?::bigint
                FROM counts WHERE c.id = counts.conv
                RETURNING c.id, c.last_seq - counts.n AS base, c.member_seq, c.member_count),
            numbered AS (
                SELECT ch.idx, ch.sender, ch.conv, ch.cmid, ch.body, ch.peer, s.member_seq, s.member_count,
                       s.base + ROW_NUMBER() OVER (PARTITION BY ch.conv ORDER BY ch.idx) AS seq
                FROM checked ch JOIN slot s ON s.id = ch.conv),
            entry AS (
                INSERT INTO messages (conversation_id, seq, sender_id, client_msg_id, body, created_at, kind)
                SELECT conv, seq, sender, cmid, body, ?::bigint, 'text' FROM numbered
                RETURNING id, conversation_id, seq),
            last_sent AS (SELECT conv, sender, MAX(seq) AS seq FROM numbered GROUP BY conv, sender),
            cursor AS (
                UPDATE conversation_members m SET read_seq = l.seq, delivered_seq = GREATEST(m.delivered_seq, l.seq),
                       updated_at = ?::bigint
                FROM last_sent l WHERE m.conversation_id = l.conv AND m.user_id = l.sender AND m.read_seq < l.seq)
            SELECT n.idx, e.id, n.seq, n.member_seq, n.member_count, n.peer
            FROM numbered n JOIN entry e ON e.conversation_id = n.conv AND e.seq = n.seq""";

    @Override
    public void close() {
        closed = true;
        for (Thread t : threads) t.interrupt();
    }
}
