package dev.parley.conversation;

import dev.parley.platform.Db;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/**
 * Who gets the live push of an entry: the members who may see it. Read outside the write transaction that numbered
 * the entry (a 10,000-member list must not lengthen SQLite's single writer), and cached per conversation under its
 * membership version {@code member_seq}: the seq of its latest membership change, read under the row lock with
 * every entry's own seq. An entry numbered under version v goes to exactly the members of version v, so the cache
 * needs no invalidation and cannot leak an entry to someone who joined later or push one to someone removed
 * before it (docs/adr/0006-group-fan-out.md). Per node, like the connections it serves.
 */
@Component
public class Recipients {
    /** The cache is dropped whole when it would hold more member ids than this (8 bytes each). */
    static final long MAX_CACHED_IDS = 2_000_000;

    private record Snapshot(long version, long[] ids) {}

    private record Member(long userId, long clearedSeq, Long leftSeq) {}

    private record Loaded(long version, List<Member> rows) {}

    private final ConcurrentHashMap<Long, Snapshot> cache = new ConcurrentHashMap<>();
    private final AtomicLong cachedIds = new AtomicLong();
    private final Db db;

    public Recipients(Db db) {
        this.db = db;
    }

    /**
     * The members who may see entry {@code seq}, numbered when the conversation's membership version was
     * {@code memberSeq}. A membership entry ({@code seq == memberSeq}) also goes to those it removed. Blocking.
     */
    public List<Long> forEntry(long conversationId, long seq, long memberSeq) {
        if (seq != memberSeq) {
            Snapshot s = cache.get(conversationId);
            if (s != null && s.version() == memberSeq) return view(s.ids());
        }
        return load(conversationId, seq);
    }

    /** The current members, {@code memberSeq} being the version read with the caller's membership. Blocking. */
    public List<Long> current(long conversationId, long memberSeq) {
        Snapshot s = cache.get(conversationId);
        if (s != null && s.version() == memberSeq) return view(s.ids());
        return load(conversationId, Long.MAX_VALUE);
    }

    private List<Long> load(long conversationId, long seq) {
        Loaded l = db.read(tx -> {
            // One read transaction: the version and the rows come from the same snapshot.
            long version = tx.queryOne("SELECT member_seq FROM conversations WHERE id = ?", rs -> rs.getLong(1), conversationId).orElse(-1L);
            List<Member> rows = tx.query("""
                    SELECT user_id, cleared_seq, left_seq FROM conversation_members
                    WHERE conversation_id = ? AND (left_seq IS NULL OR left_seq >= ?)""",
                    rs -> new Member(rs.getLong(1), rs.getLong(2), dev.parley.platform.Tx.nullableLong(rs, 3)), conversationId, seq);
            return new Loaded(version, rows);
        });
        long[] active = l.rows().stream().filter(m -> m.leftSeq() == null).mapToLong(Member::userId).toArray();
        remember(conversationId, new Snapshot(l.version(), active));
        List<Long> out = new ArrayList<>(l.rows().size());
        for (Member m : l.rows()) {
            if (m.clearedSeq() < seq && (m.leftSeq() == null || m.leftSeq() >= seq)) out.add(m.userId());
        }
        return out;
    }

    private void remember(long conversationId, Snapshot s) {
        if (cachedIds.addAndGet(s.ids().length) > MAX_CACHED_IDS) {
            cache.clear();
            cachedIds.set(s.ids().length);
        }
        Snapshot old = cache.put(conversationId, s);
        if (old != null) cachedIds.addAndGet(-old.ids().length);
    }

    private static List<Long> view(long[] ids) {
        return new AbstractList<>() {
            @Override
            public Long get(int i) { return ids[i]; }

            @Override
            public int size() { return ids.length; }
        };
    }
}
