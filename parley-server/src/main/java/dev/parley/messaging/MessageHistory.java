package dev.parley.messaging;

import dev.parley.account.Caller;
import dev.parley.conversation.Conversations;
import dev.parley.platform.Db;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.ParleyException;
import dev.parley.platform.ParleyProperties;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Pages through a conversation by sequence number. {@code after=n}: entries n+1, n+2, ... (oldest first, for
 * catching up); {@code before=n}: entries just below n (returned oldest first, for scrolling back); neither:
 * the latest page. {@code hasMore} says whether another page lies further in the same direction.
 */
@Component
public class MessageHistory {
    public record Page(long conversationId, List<MessageView> messages, boolean hasMore, long lastSeq) {}

    static final String COLUMNS = "id, conversation_id, seq, sender_id, client_msg_id, body, created_at";

    private final Db db;
    private final Conversations conversations;
    private final int maxPage;

    public MessageHistory(Db db, Conversations conversations, ParleyProperties props) {
        this.db = db;
        this.conversations = conversations;
        this.maxPage = props.limits().maxHistoryPage();
    }

    public Page page(Caller caller, long conversationId, Long before, Long after, Integer limit) {
        int n = limit == null ? 50 : limit;
        if (n < 1 || n > maxPage) throw ParleyException.invalid("Field 'limit' must be 1 to " + maxPage + ".");
        if (before != null && after != null) throw ParleyException.invalid("Give at most one of 'before' and 'after'.");
        if ((before != null && before < 0) || (after != null && after < 0)) throw ParleyException.invalid("Sequence numbers are 0 or more.");
        return db.read(tx -> {
            long lastSeq = conversations.membership(tx, conversationId, caller.userId())
                    .orElseThrow(() -> new ParleyException(ErrorCode.CONVERSATION_NOT_FOUND)).lastSeq();
            List<MessageView> rows;
            if (after != null) {
                rows = tx.query("SELECT " + COLUMNS + " FROM messages WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?",
                        MessageHistory::map, conversationId, after, n + 1);
            } else {
                long below = before != null ? before : Long.MAX_VALUE;
                rows = new ArrayList<>(tx.query("SELECT " + COLUMNS + " FROM messages WHERE conversation_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?",
                        MessageHistory::map, conversationId, below, n + 1));
            }
            boolean more = rows.size() > n;
            if (more) rows = rows.subList(0, n);
            if (after == null) {
                rows = new ArrayList<>(rows);
                Collections.reverse(rows);
            }
            return new Page(conversationId, rows, more, lastSeq);
        });
    }

    static MessageView map(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new MessageView(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getString(5), rs.getString(6), rs.getLong(7));
    }
}
