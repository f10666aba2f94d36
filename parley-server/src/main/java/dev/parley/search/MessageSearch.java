package dev.parley.search;

import dev.parley.account.Caller;
import dev.parley.conversation.Conversations;
import dev.parley.platform.Db;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.ParleyException;
import dev.parley.platform.RateLimits;
import dev.parley.search.internal.MatchingMessages;
import dev.parley.search.internal.ResultViews;
import dev.parley.search.internal.SearchCursor;
import dev.parley.search.internal.SearchQuery;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Full-text search over the caller's own conversations (or one of them): text and media messages they can see,
 * not recalled, by their current text; case-insensitive substring match, so English words and word prefixes as
 * well as Chinese and Japanese text (no spaces between words) are found. Newest first, paged by an opaque cursor.
 * The index is kept by the database itself (ADR 0010), so nothing that writes messages calls this module.
 */
@Component
public class MessageSearch {
    private final Db db;
    private final RateLimits rateLimits;
    private final Conversations conversations;
    private final MatchingMessages matching;
    private final ResultViews views;

    public MessageSearch(Db db, Conversations conversations, MatchingMessages matching, ResultViews views, RateLimits rateLimits) {
        this.rateLimits = rateLimits;
        this.db = db;
        this.conversations = conversations;
        this.matching = matching;
        this.views = views;
    }

    /**
     * {@code q}: 1..200 code points, not blank; {@code conversationId}: search only there (the caller must be or
     * have been a member); {@code cursor}: {@code next} of the previous page; {@code limit}: 1..50, default 20.
     */
    public SearchPage search(Caller caller, String q, Long conversationId, String cursor, Integer limit) {
        rateLimits.check(RateLimits.Action.SEARCHES, caller.userId());
        SearchQuery query = SearchQuery.of(q, conversationId, SearchCursor.decode(cursor), limit);
        long me = caller.userId();
        return db.read(tx -> {
            if (query.conversationId() != null && conversations.membership(tx, query.conversationId(), me).isEmpty()) {
                throw new ParleyException(ErrorCode.CONVERSATION_NOT_FOUND);
            }
            List<MatchingMessages.Hit> hits = matching.find(tx, me, query);
            boolean more = hits.size() > query.limit();
            if (more) hits = hits.subList(0, query.limit());
            String next = more ? SearchCursor.encode(hits.getLast().id()) : null;
            return new SearchPage(views.results(tx, me, query, hits), next);
        });
    }
}
