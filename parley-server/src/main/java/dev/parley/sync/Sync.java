package dev.parley.sync;

import dev.parley.account.Caller;
import dev.parley.conversation.ConversationSummary;
import dev.parley.conversation.Conversations;
import dev.parley.events.AccountEvent;
import dev.parley.events.AccountEvents;
import dev.parley.platform.Db;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.ParleyException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Answers "what changed since my sync token" (docs/adr/0001-sync-by-sequence-and-lookback.md). The token holds the last account event
 * seen (dense per user, so exact) and the time of the previous sync. Conversations are matched by change time with
 * a look-back, because a transaction stamped before a sync may commit after it; the client ignores conversations
 * whose lastSeq it already has, so the extra ones cost a little bandwidth and never a duplicate.
 */
@Component
public class Sync {
    /** Longer than any write transaction may take plus clock skew between nodes. */
    static final long LOOKBACK_MILLIS = 120_000;
    static final int MAX_EVENTS = 500;

    private final Db db;
    private final AccountEvents events;
    private final Conversations conversations;
    private final Clock clock;

    public Sync(Db db, AccountEvents events, Conversations conversations, Clock clock) {
        this.db = db;
        this.events = events;
        this.conversations = conversations;
        this.clock = clock;
    }

    /** Bound to its user: another user's token, or one from the future (a restored database), is refused. */
    private record Token(long userId, long eventSeq, long time) {}

    public SyncResult sync(Caller caller, String rawToken) {
        long me = caller.userId();
        long now = clock.millis();
        if (rawToken == null || rawToken.isBlank()) {
            return db.read(tx -> {
                long seq = events.currentSeq(tx, me);
                List<ConversationSummary> all = conversations.forUser(tx, me, null);
                return new SyncResult(encode(new Token(me, seq, now)), List.of(), all, false, true);
            });
        }
        Token t = decode(rawToken);
        if (t.userId() != me) throw invalidToken();
        long changedSince = t.time() - LOOKBACK_MILLIS;
        // One statement tells whether anything changed. A client that missed nothing (most of a reconnect storm) needs
        // no other: on PostgreSQL one round trip instead of four (docs/benchmarks.md, fifth pass). What it reads may
        // be older than what the reads below see, never newer; they only ever find more, which sync allows.
        record Position(long eventSeq, boolean conversationsChanged) {}
        Position at = db.readOne(tx -> tx.queryOne("SELECT COALESCE(" + AccountEvents.CURRENT_SEQ + ", 0), " + Conversations.ANY_CHANGED,
                rs -> new Position(rs.getLong(1), rs.getBoolean(2)), me, me, changedSince, changedSince).orElseThrow());
        if (t.eventSeq() > at.eventSeq()) throw invalidToken();
        if (at.eventSeq() == t.eventSeq() && !at.conversationsChanged()) {
            return new SyncResult(encode(new Token(me, t.eventSeq(), now)), List.of(), List.of(), false, false);
        }
        return db.read(tx -> {
            List<AccountEvent> evs = at.eventSeq() == t.eventSeq() ? List.of() : events.since(tx, me, t.eventSeq(), MAX_EVENTS + 1);
            boolean more = evs.size() > MAX_EVENTS;
            if (more) evs = evs.subList(0, MAX_EVENTS);
            long lastSeq = evs.isEmpty() ? t.eventSeq() : evs.get(evs.size() - 1).seq();
            List<ConversationSummary> moved = at.conversationsChanged() ? conversations.forUser(tx, me, changedSince) : List.of();
            // With more events to come, keep the old time so the next round still covers the same conversations.
            Token next = new Token(me, lastSeq, more ? t.time() : now);
            return new SyncResult(encode(next), evs, moved, more, false);
        });
    }

    static String encode(Token t) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("v1." + t.userId() + "." + t.eventSeq() + "." + t.time()).getBytes(StandardCharsets.US_ASCII));
    }

    static Token decode(String raw) {
        try {
            String s = new String(Base64.getUrlDecoder().decode(raw.trim()), StandardCharsets.US_ASCII);
            String[] p = s.split("\\.");
            if (p.length != 4 || !"v1".equals(p[0])) throw new IllegalArgumentException();
            return new Token(Long.parseLong(p[1]), Long.parseLong(p[2]), Long.parseLong(p[3]));
        } catch (IllegalArgumentException e) {
            throw invalidToken();
        }
    }

    private static ParleyException invalidToken() {
        return new ParleyException(ErrorCode.INVALID_FIELD, "The sync token is not valid; sync without one for a full state.");
    }
}
