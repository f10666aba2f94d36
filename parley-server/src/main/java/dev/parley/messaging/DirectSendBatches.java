package dev.parley.messaging;

import dev.parley.conversation.Conversations;
import dev.parley.conversation.Recipients;
import dev.parley.delivery.Connection;
import dev.parley.delivery.Delivery;
import dev.parley.delivery.SequencedPushes;
import dev.parley.platform.Db;
import dev.parley.platform.Dialect;
import dev.parley.platform.ParleyProperties;
import dev.parley.platform.Tx;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * PostgreSQL group commit for the plain direct send: text only, to a direct conversation by its id, no reply,
 * mentions, forward or attachments (the hot path of a chat server). Sends wait in a lane's queue; the lane's thread
 * takes everything that queued while its last batch ran (up to {@link #MAX_BATCH}) and stores it with two
 * statements over {@code unnest} arrays (checks and row locks; then numbering, inserts and the senders' read
 * cursors) and one commit: three round trips for the whole batch instead of four for each send. On this box a
 * round trip, not the statement, is what a send costs PostgreSQL and the server (docs/benchmarks.md, ADR 0015).
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
                      JsonMapper json, ParleyProperties props,
                      @Value("${parley.database.send-batch-lanes:-1}") int configuredLanes) {
        this.db = db;
        this.views = views;
        this.order = order;
        this.delivery = delivery;
        this.recipients = recipients;
        this.clock = clock;
        this.json = json;
        if (db.dialect() != Dialect.POSTGRESQL) return; // SQLite's one writer already commits in groups
        // By default a quarter of the writer pool, at most 4, so batches never starve the one-by-one writes (groups,
        // edits, receipts), and no more than this node's cores: each lane keeps a lane thread and a PostgreSQL backend
        // busy. On 2 cores, 2 lanes halved the p50 at 2,000-5,000/s against 4 with the same saturation, and 8 lanes
        // were worse than 4 (docs/benchmarks.md, fifth pass).
        // 0 turns batching off: every send goes one by one.
        int count = configuredLanes >= 0 ? Math.min(configuredLanes, props.database().poolSize())
                : defaultLanes(props.database().poolSize(), Runtime.getRuntime().availableProcessors());
        for (int i = 0; i < count; i++) {
            LinkedBlockingQueue<Pending> lane = new LinkedBlockingQueue<>();
            lanes.add(lane);
            threads.add(Thread.ofVirtual().name("parley-send-batch-" + i).start(() -> run(lane)));
        }
    }

    static int defaultLanes(int poolSize, int cores) {
        return Math.max(1, Math.min(Math.min(4, poolSize / 4), cores));
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
        long now = clock.millis();
        Map<Pending, Outbox> outboxes = new HashMap<>();
        List<Stored> stored;
        try {
            stored = db.write(tx -> {
                for (Outbox o : outboxes.values()) o.cancelAll();
                outboxes.clear();
                List<Stored> rows = numberAndInsert(tx, run, now);
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

    /** A send that passed the checks, with its conversation row as locked. */
    private record Checked(int index, long peerId, long lastSeq, long memberSeq, long memberCount) {}

    /**
     * Two statements: {@link #CHECK_AND_LOCK}, then the numbers are counted here and {@link #WRITE} stores them.
     * Each statement looks rows up by key from the arrays, one by one: joins between CTEs of a batch (numbering
     * in SQL) made the planner loop over one inside the other, 20 ms for 34 sends (auto_explain, ADR 0015).
     */
    private static List<Stored> numberAndInsert(Tx tx, List<Pending> run, long now) throws SQLException {
        int n = run.size();
        Integer[] index = new Integer[n];
        Long[] senders = new Long[n];
        Long[] conversations = new Long[n];
        String[] clientMsgIds = new String[n];
        for (int i = 0; i < n; i++) {
            Pending p = run.get(i);
            index[i] = i;
            senders[i] = p.senderId();
            conversations[i] = p.conversationId();
            clientMsgIds[i] = p.clientMsgId();
        }
        List<Checked> passed = tx.query(CHECK_AND_LOCK,
                rs -> new Checked(rs.getInt(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)),
                tx.array("int4", index), tx.array("int8", senders), tx.array("int8", conversations), tx.array("text", clientMsgIds));
        if (passed.isEmpty()) return List.of();
        passed.sort(Comparator.comparingInt(Checked::index)); // numbers follow the order the sends arrived in
        // Each conversation's next numbers, then each sender's last one (their read cursor).
        Map<Long, Long> lastSeq = new LinkedHashMap<>();
        Map<List<Long>, Long> cursors = new LinkedHashMap<>();
        int m = passed.size();
        Long[] convs = new Long[m], seqs = new Long[m], froms = new Long[m];
        String[] ids = new String[m], bodies = new String[m];
        for (int k = 0; k < m; k++) {
            Checked c = passed.get(k);
            Pending p = run.get(c.index());
            long seq = lastSeq.merge(p.conversationId(), c.lastSeq() + 1, (was, x) -> was + 1);
            convs[k] = p.conversationId();
            seqs[k] = seq;
            froms[k] = p.senderId();
            ids[k] = p.clientMsgId();
            bodies[k] = p.text();
            cursors.put(List.of(p.conversationId(), p.senderId()), seq);
        }
        Long[] cursorConvs = new Long[cursors.size()], cursorUsers = new Long[cursors.size()], cursorSeqs = new Long[cursors.size()];
        int j = 0;
        for (Map.Entry<List<Long>, Long> e : cursors.entrySet()) {
            cursorConvs[j] = e.getKey().get(0);
            cursorUsers[j] = e.getKey().get(1);
            cursorSeqs[j++] = e.getValue();
        }
        Map<List<Long>, Long> idBySlot = new HashMap<>();
        for (long[] row : tx.query(WRITE, rs -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)},
                now, now, tx.array("int8", lastSeq.keySet().toArray(Long[]::new)), tx.array("int8", lastSeq.values().toArray(Long[]::new)),
                now, tx.array("int8", cursorConvs), tx.array("int8", cursorUsers), tx.array("int8", cursorSeqs),
                now, tx.array("int8", convs), tx.array("int8", seqs), tx.array("int8", froms), tx.array("text", ids),
                tx.array("text", bodies))) {
            idBySlot.put(List.of(row[1], row[2]), row[0]);
        }
        List<Stored> out = new ArrayList<>(m);
        for (int k = 0; k < m; k++) {
            Checked c = passed.get(k);
            out.add(new Stored(c.index(), idBySlot.get(List.of(convs[k], seqs[k])), seqs[k], c.memberSeq(), c.memberCount(), c.peerId()));
        }
        return out;
    }

    /**
     * The one-by-one path's checks for many sends ({@link MessageSending}: an active member of a direct
     * conversation whose peer {@code Relationships.mayMessage}, no earlier send with this clientMsgId), and the
     * lock on each conversation row that passed, whose numbers are then read as locked (READ COMMITTED: the
     * latest). Sends that fail a check are simply not in the result. The LATERAL subqueries make each array row
     * look its rows up by key (LIMIT keeps the planner from flattening them).
     */
    private static final String CHECK_AND_LOCK = """
            SELECT i.idx, d.peer, c.last_seq, c.member_seq, c.member_count
            FROM unnest(?::int[], ?::bigint[], ?::bigint[], ?::text[]) AS i(idx, sender, conv, cmid)
            CROSS JOIN LATERAL (
                SELECT p.user_id AS peer FROM conversation_members m
                JOIN conversation_members p ON p.conversation_id = m.conversation_id AND p.user_id <> m.user_id
                WHERE m.conversation_id = i.conv AND m.user_id = i.sender AND m.left_seq IS NULL
                LIMIT 1) d
            CROSS JOIN LATERAL (
                SELECT c.last_seq, c.member_seq, c.member_count FROM conversations c
                WHERE c.id = i.conv AND c.kind = 'direct'
                  AND EXISTS (SELECT 1 FROM friendships f WHERE f.user_id = i.sender AND f.friend_id = d.peer)
                  AND NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.blocker_id = i.sender AND b.blocked_id = d.peer)
                                                        OR (b.blocker_id = d.peer AND b.blocked_id = i.sender))
                  AND NOT EXISTS (SELECT 1 FROM messages x WHERE x.sender_id = i.sender AND x.client_msg_id = i.cmid)
                FOR UPDATE OF c) c""";

    /**
     * The writes of {@link Conversations#NUMBERING} for a message (one conversation row per conversation, however
     * many of the batch's sends go to it), the inserts, and each sender's read cursor moved to their last send.
     * Parameters: now twice, the conversations' ids and last numbers; now, the cursors' conversations, users and
     * numbers; now, the messages' conversations, numbers, senders, clientMsgIds and texts.
     */
    private static final String WRITE = """
            WITH slot AS (
                UPDATE conversations c SET last_seq = u.last_seq, last_activity_at = ?::bigint, updated_at = ?::bigint
                FROM unnest(?::bigint[], ?::bigint[]) AS u(conv, last_seq) WHERE c.id = u.conv),
            cursor AS (
                UPDATE conversation_members m SET read_seq = u.seq, delivered_seq = GREATEST(m.delivered_seq, u.seq),
                       updated_at = ?::bigint
                FROM unnest(?::bigint[], ?::bigint[], ?::bigint[]) AS u(conv, user_id, seq)
                WHERE m.conversation_id = u.conv AND m.user_id = u.user_id AND m.read_seq < u.seq)
            INSERT INTO messages (conversation_id, seq, sender_id, client_msg_id, body, created_at, kind)
            SELECT u.conv, u.seq, u.sender, u.cmid, u.body, ?::bigint, 'text'
            FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::text[], ?::text[]) AS u(conv, seq, sender, cmid, body)
            RETURNING id, conversation_id, seq""";

    @Override
    public void close() {
        closed = true;
        for (Thread t : threads) t.interrupt();
    }
}
