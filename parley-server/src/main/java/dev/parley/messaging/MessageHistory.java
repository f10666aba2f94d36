package dev.parley.messaging;

import dev.parley.account.Caller;
import dev.parley.conversation.Conversations;
import dev.parley.conversation.Membership;
import dev.parley.platform.Db;
import dev.parley.platform.ParleyException;
import dev.parley.platform.ParleyProperties;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Pages through a conversation by sequence number. {@code after=n}: entries n+1, n+2, ... (oldest first, for
 * catching up); {@code before=n}: entries just below n (returned oldest first, for scrolling back);
 * {@code around=n}: a page centred on n (jump to a message); none: the latest page. {@code hasMore} says whether
 * another page lies further in the same direction. A user sees only the entries between their {@code clearedSeq}
 * and, once they left, the entry that ended their membership.
 */
@Component
public class MessageHistory {
    /** {@code hasMoreBefore}, {@code hasMoreAfter}: only for {@code around}. */
    public record Page(long conversationId, List<EntryView> messages, boolean hasMore, long lastSeq, Boolean hasMoreBefore,
                       Boolean hasMoreAfter) {}

    private final Db db;
    private final Conversations conversations;
    private final EntryViews views;
    private final int maxPage;

    public MessageHistory(Db db, Conversations conversations, EntryViews views, ParleyProperties props) {
        this.db = db;
        this.conversations = conversations;
        this.views = views;
        this.maxPage = props.limits().maxHistoryPage();
    }

    public Page page(Caller caller, long conversationId, Long before, Long after, Integer limit) {
        return page(caller, conversationId, before, after, null, limit);
    }

    public Page page(Caller caller, long conversationId, Long before, Long after, Long around, Integer limit) {
        int n = limit == null ? 50 : limit;
        if (n < 1 || n > maxPage) throw ParleyException.invalid("Field 'limit' must be 1 to " + maxPage + ".");
        int given = (before != null ? 1 : 0) + (after != null ? 1 : 0) + (around != null ? 1 : 0);
        if (given > 1) throw ParleyException.invalid("Give at most one of 'before', 'after' and 'around'.");
        if ((before != null && before < 0) || (after != null && after < 0) || (around != null && around < 0)) {
            throw ParleyException.invalid("Sequence numbers are 0 or more.");
        }
        return db.read(tx -> {
            Membership m = conversations.requireAny(tx, conversationId, caller.userId());
            long floor = m.clearedSeq();
            long ceiling = m.visibleLast();
            if (around != null) {
                int below = n / 2;
                List<EntryView> older = new ArrayList<>(views.query(tx, m, "conversation_id = ? AND seq > ? AND seq < ? AND seq <= ? ORDER BY seq DESC LIMIT ?",
                        conversationId, floor, around, ceiling, below + 1));
                List<EntryView> newer = new ArrayList<>(views.query(tx, m, "conversation_id = ? AND seq > ? AND seq >= ? AND seq <= ? ORDER BY seq LIMIT ?",
                        conversationId, floor, around, ceiling, n - below + 1));
                boolean moreBefore = older.size() > below;
                boolean moreAfter = newer.size() > n - below;
                if (moreBefore) older = older.subList(0, below);
                if (moreAfter) newer = newer.subList(0, n - below);
                List<EntryView> rows = new ArrayList<>(older);
                Collections.reverse(rows);
                rows.addAll(newer);
                return new Page(conversationId, rows, moreBefore, ceiling, moreBefore, moreAfter);
            }
            List<EntryView> rows;
            if (after != null) {
                rows = views.query(tx, m, "conversation_id = ? AND seq > ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?",
                        conversationId, after, floor, ceiling, n + 1);
            } else {
                long below = before != null ? before : Long.MAX_VALUE;
                rows = new ArrayList<>(views.query(tx, m, "conversation_id = ? AND seq < ? AND seq > ? AND seq <= ? ORDER BY seq DESC LIMIT ?",
                        conversationId, below, floor, ceiling, n + 1));
            }
            boolean more = rows.size() > n;
            if (more) rows = rows.subList(0, n);
            if (after == null) {
                rows = new ArrayList<>(rows);
                Collections.reverse(rows);
            }
            return new Page(conversationId, rows, more, ceiling, null, null);
        });
    }
}
