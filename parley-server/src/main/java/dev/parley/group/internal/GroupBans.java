package dev.parley.group.internal;

import dev.parley.account.Caller;
import dev.parley.account.UserDirectory;
import dev.parley.account.UserSummary;
import dev.parley.conversation.Conversations;
import dev.parley.conversation.Membership;
import dev.parley.messaging.EntryWriter;
import dev.parley.platform.Db;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.ParleyException;
import dev.parley.platform.Tx;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Bans: an admin keeps a user out of the group until an admin lifts the ban. A banned member is removed with the same
 * {@code member_removed} entry as a removal (marked {@code banned}), so every member and device learns it through
 * pushes and sync; a banned user cannot be added back ({@code user_banned}) nor join by invite link (the link answers
 * {@code invite_invalid} to them). Only the owner bans an admin; nobody bans themselves.
 */
@Component
class GroupBans {
    static final int MAX_PAGE = 1000;
    static final int DEFAULT_PAGE = 200;

    record BanView(UserSummary user, long bannedBy, long bannedAt) {}

    record Page(List<BanView> bans, Long next) {}

    private final Db db;
    private final EntryWriter entries;
    private final Conversations conversations;
    private final GroupAccess access;
    private final UserDirectory users;
    private final Clock clock;

    GroupBans(Db db, EntryWriter entries, Conversations conversations, GroupAccess access, UserDirectory users, Clock clock) {
        this.db = db;
        this.entries = entries;
        this.conversations = conversations;
        this.access = access;
        this.users = users;
        this.clock = clock;
    }

    /** Bans {@code userId} (idempotent: banning again changes nothing); removes them first when they are a member. */
    BanView ban(Caller caller, long groupId, long userId) {
        long me = caller.userId();
        return entries.write(null, (tx, out) -> {
            conversations.lock(tx, groupId);
            Membership m = access.admin(tx, groupId, me);
            if (userId == me) throw ParleyException.invalid("You cannot ban yourself.");
            UserSummary user = users.find(tx, userId).orElseThrow(() -> new ParleyException(ErrorCode.USER_NOT_FOUND));
            Optional<Membership> target = conversations.membership(tx, groupId, userId).filter(Membership::active);
            if (target.isPresent() && target.get().isAdmin() && !m.isOwner()) {
                throw new ParleyException(ErrorCode.NOT_OWNER, "Only the owner may ban an admin.");
            }
            Optional<BanView> existing = find(tx, groupId, user);
            if (existing.isPresent()) return existing.get();
            long now = clock.millis();
            tx.update("INSERT INTO group_bans (conversation_id, user_id, banned_by, banned_at) VALUES (?, ?, ?, ?)", groupId, userId, me, now);
            if (target.isPresent()) {
                Map<String, Object> system = new LinkedHashMap<>();
                system.put("event", "member_removed");
                system.put("userId", userId);
                system.put("banned", true);
                long seq = entries.appendSystem(tx, out, groupId, me, system, true, now);
                access.endMembership(tx, groupId, userId, seq, now);
            }
            return new BanView(user, me, now);
        });
    }

    /** Lifts a ban ({@code not_found} when there is none). The user is not added back; they may be added or join again. */
    void lift(Caller caller, long groupId, long userId) {
        db.write(tx -> {
            access.admin(tx, groupId, caller.userId());
            if (tx.update("DELETE FROM group_bans WHERE conversation_id = ? AND user_id = ?", groupId, userId) == 0) {
                throw new ParleyException(ErrorCode.NOT_FOUND, "That user is not banned from this group.");
            }
            return null;
        });
    }

    /** The group's bans by user id; {@code after}: the last user id of the previous page. */
    Page list(Caller caller, long groupId, Long after, Integer limit) {
        int n = limit == null ? DEFAULT_PAGE : limit;
        if (n < 1 || n > MAX_PAGE) throw ParleyException.invalid("Parameter 'limit' must be 1 to " + MAX_PAGE + ".");
        long from = after == null ? 0 : after;
        return db.read(tx -> {
            access.admin(tx, groupId, caller.userId());
            List<BanView> rows = tx.query("""
                    SELECT u.id, u.username, u.display_name, b.banned_by, b.banned_at
                    FROM group_bans b JOIN users u ON u.id = b.user_id
                    WHERE b.conversation_id = ? AND b.user_id > ? ORDER BY b.user_id LIMIT ?""",
                    rs -> new BanView(UserDirectory.map(rs), rs.getLong(4), rs.getLong(5)), groupId, from, n + 1);
            boolean more = rows.size() > n;
            List<BanView> page = more ? rows.subList(0, n) : rows;
            return new Page(page, more ? page.get(n - 1).user().id() : null);
        });
    }

    private static Optional<BanView> find(Tx tx, long groupId, UserSummary user) throws SQLException {
        return tx.queryOne("SELECT banned_by, banned_at FROM group_bans WHERE conversation_id = ? AND user_id = ?",
                rs -> new BanView(user, rs.getLong(1), rs.getLong(2)), groupId, user.id());
    }
}
