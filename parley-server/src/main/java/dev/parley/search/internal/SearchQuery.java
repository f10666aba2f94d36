package dev.parley.search.internal;

import dev.parley.platform.Fields;
import dev.parley.platform.ParleyException;

/**
 * A checked search request. {@code text}: the query without leading and trailing white space; {@code beforeId}:
 * only messages with a smaller id (the cursor's position; {@code Long.MAX_VALUE} on the first page).
 */
public record SearchQuery(String text, Long conversationId, long beforeId, int limit) {
    public static final int MAX_QUERY_CHARS = 200;
    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 50;
    /** Trigram indexes find substrings of at least this many characters; shorter queries are answered by a scan. */
    public static final int INDEXED_MIN_CHARS = 3;

    public static SearchQuery of(String q, Long conversationId, Long beforeId, Integer limit) {
        String text = Fields.bounded("q", q, MAX_QUERY_CHARS).strip();
        if (text.isEmpty()) throw ParleyException.invalid("Field 'q' may not be blank.");
        if (conversationId != null && conversationId <= 0) throw ParleyException.invalid("Field 'conversationId' must be a positive id.");
        int n = limit == null ? DEFAULT_LIMIT : limit;
        if (n < 1 || n > MAX_LIMIT) throw ParleyException.invalid("Field 'limit' must be 1 to " + MAX_LIMIT + ".");
        return new SearchQuery(text, conversationId, beforeId == null ? Long.MAX_VALUE : beforeId, n);
    }

    /** Too short for a trigram index. */
    public boolean isShort() {
        return text.codePointCount(0, text.length()) < INDEXED_MIN_CHARS;
    }

    /** {@code %text%} for {@code LIKE ... ESCAPE '\'}: the query's own {@code %}, {@code _} and {@code \} match literally. */
    public String likePattern() {
        StringBuilder b = new StringBuilder(text.length() + 8).append('%');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' || c == '_' || c == '\\') b.append('\\');
            b.append(c);
        }
        return b.append('%').toString();
    }

    /**
     * The query as one FTS5 phrase (a string in double quotes, inner quotes doubled; sqlite.org/fts5.html §3.1):
     * with the trigram tokenizer, a phrase matches wherever the text holds it as a substring, and nothing in it
     * is query syntax.
     */
    public String ftsPhrase() {
        return '"' + text.replace("\"", "\"\"") + '"';
    }
}
