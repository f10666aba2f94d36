package dev.parley.account.internal;

import dev.parley.account.PresenceVisibilityChanged;
import dev.parley.account.UserDirectory;
import dev.parley.account.UserSummary;
import dev.parley.platform.Db;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.Fields;
import dev.parley.platform.ParleyException;
import dev.parley.platform.RateLimits;
import java.util.List;
import java.util.Locale;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/** Own profile, and finding other users by username or display-name prefix. */
@Component
class Profiles {
    static final int MAX_PAGE = 50;
    private final Db db;
    private final RateLimits rateLimits;
    private final UserDirectory users;
    private final ApplicationEventPublisher events;

    Profiles(Db db, UserDirectory users, ApplicationEventPublisher events, RateLimits rateLimits) {
        this.rateLimits = rateLimits;
        this.db = db;
        this.users = users;
        this.events = events;
    }

    UserSummary get(long userId) {
        return db.read(tx -> users.find(tx, userId)).orElseThrow(() -> new ParleyException(ErrorCode.USER_NOT_FOUND));
    }

    /** Own profile: the public summary and the presence setting. */
    record Me(long id, String username, String displayName, String presenceVisibility) {}

    static final List<String> VISIBILITIES = List.of("friends", "nobody");

    Me me(long userId) {
        return db.read(tx -> tx.queryOne("SELECT id, username, display_name, presence_visibility FROM users WHERE id = ?",
                rs -> new Me(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)), userId))
                .orElseThrow(() -> new ParleyException(ErrorCode.USER_NOT_FOUND));
    }

    /** Changes the display name and/or the presence setting (at least one). */
    Me update(long userId, String displayName, String presenceVisibility) {
        if (displayName == null && presenceVisibility == null) {
            throw ParleyException.invalid("Give 'displayName' or 'presenceVisibility'.");
        }
        String name = displayName == null ? null : Registration.displayName(Fields.required("displayName", displayName));
        if (presenceVisibility != null && !VISIBILITIES.contains(presenceVisibility)) {
            throw ParleyException.invalid("Field 'presenceVisibility' must be 'friends' or 'nobody'.");
        }
        boolean changed = db.write(tx -> {
            if (name != null) tx.update("UPDATE users SET display_name = ? WHERE id = ?", name, userId);
            return presenceVisibility != null
                    && tx.update("UPDATE users SET presence_visibility = ? WHERE id = ? AND presence_visibility <> ?",
                            presenceVisibility, userId, presenceVisibility) > 0;
        });
        if (changed) events.publishEvent(new PresenceVisibilityChanged(userId, presenceVisibility));
        return me(userId);
    }

    record Page(List<UserSummary> items, String next) {}

    /**
     * Prefix search, ordered by username; {@code after} is the last username of the previous page.
     * LIKE wildcards in the query are escaped so that they match themselves.
     */
    Page search(long me, String query, Integer limit, String after) {
        rateLimits.check(RateLimits.Action.SEARCHES, me);
        String q = Fields.required("q", query);
        if (q.isBlank()) throw ParleyException.invalid("Field 'q' may not be blank.");
        int n = limit == null ? 20 : limit;
        if (n < 1 || n > MAX_PAGE) throw ParleyException.invalid("Field 'limit' must be 1 to " + MAX_PAGE + ".");
        String like = q.toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        String displayLike = q.toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        String cursor = after == null ? "" : Fields.checkText("after", after); // PostgreSQL text refuses U+0000
        List<UserSummary> rows = db.read(tx -> tx.query("""
                SELECT id, username, display_name FROM users
                WHERE (username LIKE ? ESCAPE '\\' OR lower(display_name) LIKE ? ESCAPE '\\') AND username > ?
                ORDER BY username LIMIT ?""", UserDirectory::map, like, displayLike, cursor, n + 1));
        boolean more = rows.size() > n;
        List<UserSummary> items = more ? rows.subList(0, n) : rows;
        return new Page(items, more ? items.get(n - 1).username() : null);
    }
}
