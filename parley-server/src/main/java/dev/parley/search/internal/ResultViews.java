package dev.parley.search.internal;

import dev.parley.conversation.ConversationSummary;
import dev.parley.conversation.Conversations;
import dev.parley.conversation.Membership;
import dev.parley.messaging.EntryView;
import dev.parley.messaging.EntryViews;
import dev.parley.platform.Tx;
import dev.parley.search.SearchPage;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Turns hits into results: the message and its context as entry views (messaging's {@link EntryViews}, as history
 * shows them to this user), the conversation as the user's summary. The one place that knows those shapes.
 */
@Component
public class ResultViews {
    /** Entries shown around a hit, each side. */
    static final int CONTEXT = 2;

    /** Kinds a reader sees as lines of the conversation (edits, recalls and reactions only change other entries). */
    private static final String SHOWN = "kind IN ('text', 'media', 'system')";

    private final Conversations conversations;
    private final EntryViews entries;

    public ResultViews(Conversations conversations, EntryViews entries) {
        this.conversations = conversations;
        this.entries = entries;
    }

    /**
     * The results for {@code hits}, in their order. A former member sees messages as they were when they left; a
     * hit whose text matched only through an edit made after that is left out (so search cannot reveal it), which
     * can make a page shorter than the limit.
     */
    public List<SearchPage.Result> results(Tx tx, long userId, SearchQuery q, List<MatchingMessages.Hit> hits) throws SQLException {
        Map<Long, List<MatchingMessages.Hit>> byConversation = new LinkedHashMap<>();
        for (MatchingMessages.Hit h : hits) byConversation.computeIfAbsent(h.conversationId(), k -> new ArrayList<>()).add(h);
        Map<Long, SearchPage.Result> byHit = new HashMap<>();
        for (Map.Entry<Long, List<MatchingMessages.Hit>> e : byConversation.entrySet()) {
            long conversationId = e.getKey();
            Membership viewer = conversations.membership(tx, conversationId, userId).orElseThrow();
            ConversationSummary summary = conversations.summary(tx, conversationId, userId).orElseThrow();
            Map<Long, List<Long>> before = new HashMap<>();
            Map<Long, List<Long>> after = new HashMap<>();
            List<Long> ids = new ArrayList<>();
            for (MatchingMessages.Hit h : e.getValue()) {
                // Two indexed range reads on (conversation_id, seq) per hit, within what the user may see.
                List<Long> b = new ArrayList<>(tx.query("SELECT id FROM messages WHERE conversation_id = ? AND seq < ? AND seq > ? AND "
                        + SHOWN + " ORDER BY seq DESC LIMIT " + CONTEXT, rs -> rs.getLong(1), conversationId, h.seq(), viewer.clearedSeq()));
                Collections.reverse(b);
                List<Long> a = tx.query("SELECT id FROM messages WHERE conversation_id = ? AND seq > ? AND seq <= ? AND " + SHOWN
                        + " ORDER BY seq LIMIT " + CONTEXT, rs -> rs.getLong(1), conversationId, h.seq(), viewer.visibleLast());
                before.put(h.id(), b);
                after.put(h.id(), a);
                ids.add(h.id());
                ids.addAll(b);
                ids.addAll(a);
            }
            Map<Long, EntryView> view = new HashMap<>();
            for (EntryView v : entries.query(tx, viewer, "id IN (" + Tx.marks(ids.size()) + ")", ids.toArray())) view.put(v.id(), v);
            for (MatchingMessages.Hit h : e.getValue()) {
                EntryView message = view.get(h.id());
                if (message == null || (!viewer.active() && !contains(message.text(), q.text()))) continue;
                byHit.put(h.id(), new SearchPage.Result(message, summary,
                        before.get(h.id()).stream().map(view::get).toList(), after.get(h.id()).stream().map(view::get).toList()));
            }
        }
        List<SearchPage.Result> out = new ArrayList<>(hits.size());
        for (MatchingMessages.Hit h : hits) if (byHit.containsKey(h.id())) out.add(byHit.get(h.id()));
        return out;
    }

    /** Case-insensitive substring test in Java, for the few hits the database matched on text a former member never saw. */
    private static boolean contains(String text, String query) {
        return text != null && text.toLowerCase(Locale.ROOT).contains(query.toLowerCase(Locale.ROOT));
    }
}
