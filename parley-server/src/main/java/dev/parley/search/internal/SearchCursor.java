package dev.parley.search.internal;

import dev.parley.platform.ParleyException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The opaque paging cursor: the id of the last message of a page (results are newest first, by id), versioned so
 * that its form can change. Clients only hand it back.
 */
public final class SearchCursor {
    private static final String PREFIX = "m1:";

    private SearchCursor() {}

    public static String encode(long lastId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((PREFIX + lastId).getBytes(StandardCharsets.US_ASCII));
    }

    /** The position to continue below, or null for the first page. */
    public static Long decode(String cursor) {
        if (cursor == null) return null;
        try {
            String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            if (s.startsWith(PREFIX)) {
                long id = Long.parseLong(s.substring(PREFIX.length()));
                if (id > 0) return id;
            }
        } catch (IllegalArgumentException bad) {
            // falls through: not base64url, or not a number (NumberFormatException is one)
        }
        throw ParleyException.invalid("Field 'cursor' is not a cursor this server gave.");
    }
}
