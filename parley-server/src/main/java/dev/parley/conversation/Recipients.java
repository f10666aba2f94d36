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
    /** The cache is dropped whole when it would hold more member rows than this (24 bytes each, 8 more if active). */
    static final long MAX_CACHED_IDS = 2_000_000;

    /**
     * The member rows as of membership version {@code version}, former members included (their rows stay), and the
     * ids of the active ones. {@code left[i]} is {@link Long#MAX_VALUE} for a member who has not left.
     */
    private record Snapshot(long version, long[] users, long[] cleared, long[] left, long[] active) {}

    private final ConcurrentHashMap<Long, Snapshot> cache = new ConcurrentHashMap<>();
    private final AtomicLong cachedIds = new AtomicLong();
    private final Db db;

    public Recipients(Db db) {
        this.db = db;
    }

    /**
     * The members who may see entry {@code seq}, numbered when the conversation's membership version was
     * {@code memberSeq}. A membership entry ({@code seq == memberSeq}) also goes to those it removed. Blocking.
     * <p>Rows of a version at least as new as the entry's answer the question exactly as the database would (rows
     * are never deleted; who may see {@code seq} is {@code cleared_seq < seq <= left_seq}), so a backlog of
     * membership entries (a thousand people joining a big group by link within seconds) is resolved from one read
     * of the rows instead of one read of up to 10,000 rows per entry, which let the pushes fall far behind the joins.
     */
    public List<Long> forEntry(long conversationId, long seq, long memberSeq) {
        Snapshot s = cache.get(conversationId);
        if (s != null) {
            if (seq != memberSeq && s.version() == memberSeq) return view(s.active());
            if (s.version() >= memberSeq) return visible(s, seq);
        }
        return visible(load(conversationId), seq);
    }

    /** The current members, {@code memberSeq} being the version read with the caller's membership. Blocking. */
    public List<Long> current(long conversationId, long memberSeq) {
        Snapshot s = cache.get(conversationId);
        if (s != null && s.version() == memberSeq) return view(s.active());
        return view(load(conversationId).active());
    }

    private Snapshot load(long conversationId) {
        record Member(long userId, long clearedSeq, Long leftSeq) {}
        record Loaded(long version, List<Member> rows) {}
        Loaded l = db.read(tx -> {
            // One read transaction: the version and the rows come from the same snapshot.
            long version = tx.queryOne("SELECT member_seq FROM conversations WHERE id = ?", rs -> rs.getLong(1), conversationId).orElse(-1L);
            List<Member> rows = tx.query("SELECT user_id, cleared_seq, left_seq FROM conversation_members WHERE conversation_id = ?",
                    rs -> new Member(rs.getLong(1), rs.getLong(2), dev.parley.platform.Tx.nullableLong(rs, 3)), conversationId);
            return new Loaded(version, rows);
        });
        int n = l.rows().size();
        long[] users = new long[n], cleared = new long[n], left = new long[n];
        for (int i = 0; i < n; i++) {
            Member m = l.rows().get(i);
            users[i] = m.userId();
            cleared[i] = m.clearedSeq();
            left[i] = m.leftSeq() == null ? Long.MAX_VALUE : m.leftSeq();
        }
        long[] active = l.rows().stream().filter(m -> m.leftSeq() == null).mapToLong(Member::userId).toArray();
        Snapshot s = new Snapshot(l.version(), users, cleared, left, active);
        remember(conversationId, s);
        return s;
    }

    private static List<Long> visible(Snapshot s, long seq) {
        List<Long> out = new ArrayList<>(s.active().length);
        for (int i = 0; i < s.users().length; i++) {
            if (s.cleared()[i] < seq && s.left()[i] >= seq) out.add(s.users()[i]);
        }
        return out;
    }

    /** Keeps the newest version of each conversation; a slower read of an older one does not replace it. */
    private void remember(long conversationId, Snapshot s) {
        long size = s.users().length;
        if (cachedIds.addAndGet(size) > MAX_CACHED_IDS) {
            cache.clear();
            cachedIds.set(size);
        }
        Snapshot[] replaced = {null};
        cache.merge(conversationId, s, (old, now) -> {
            if (old.version() > now.version()) {
                replaced[0] = now;
                return old;
            }
            replaced[0] = old;
            return now;
        });
        if (replaced[0] != null) cachedIds.addAndGet(-replaced[0].users().length);
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
