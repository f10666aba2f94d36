package dev.parley.group.internal;

import dev.parley.account.Caller;
import dev.parley.conversation.Conversations;
import dev.parley.conversation.GroupView;
import dev.parley.conversation.Membership;
import dev.parley.messaging.EntryWriter;
import dev.parley.platform.Db;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.ParleyException;
import dev.parley.platform.RateLimits;
import dev.parley.platform.Tx;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Invite links: admins create and revoke them; anyone logged in who has one may look at the group's name and join.
 * A code is 128 random bits (base64url), so links cannot be guessed.
 */
@Component
class GroupInvites {
    static final int MAX_HOURS = 24 * 365;
    private static final Pattern CODE = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    /** {@code expiresAt} absent: the link lasts until revoked. */
    record InviteView(String code, long groupId, long createdBy, long createdAt, Long expiresAt) {}

    record GroupPreview(long id, String name, long memberCount) {}

    record Preview(String code, GroupPreview group) {}

    private final SecureRandom random = new SecureRandom();
    private final Db db;
    private final RateLimits rateLimits;
    private final EntryWriter entries;
    private final Conversations conversations;
    private final GroupAccess access;
    private final Clock clock;

    GroupInvites(Db db, EntryWriter entries, Conversations conversations, GroupAccess access, Clock clock, RateLimits rateLimits) {
        this.rateLimits = rateLimits;
        this.db = db;
        this.entries = entries;
        this.conversations = conversations;
        this.access = access;
        this.clock = clock;
    }

    InviteView create(Caller caller, long groupId, Integer expiresInHours) {
        rateLimits.check(RateLimits.Action.INVITE_CREATIONS, caller.userId());
        if (expiresInHours != null && (expiresInHours < 1 || expiresInHours > MAX_HOURS)) {
            throw ParleyException.invalid("Field 'expiresInHours' must be 1 to " + MAX_HOURS + ".");
        }
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        String code = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        return db.write(tx -> {
            access.admin(tx, groupId, caller.userId());
            long now = clock.millis();
            Long expires = expiresInHours == null ? null : now + expiresInHours * 3_600_000L;
            tx.update("INSERT INTO group_invites (code, conversation_id, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                    code, groupId, caller.userId(), now, expires);
            return new InviteView(code, groupId, caller.userId(), now, expires);
        });
    }

    /** The group's live links, newest first. */
    List<InviteView> list(Caller caller, long groupId) {
        return db.read(tx -> {
            access.admin(tx, groupId, caller.userId());
            return tx.query("""
                    SELECT code, conversation_id, created_by, created_at, expires_at FROM group_invites
                    WHERE conversation_id = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)
                    ORDER BY created_at DESC, code""", GroupInvites::view, groupId, clock.millis());
        });
    }

    void revoke(Caller caller, long groupId, String code) {
        db.write(tx -> {
            access.admin(tx, groupId, caller.userId());
            if (!CODE.matcher(code).matches()
                    || !tx.exists("SELECT 1 FROM group_invites WHERE code = ? AND conversation_id = ?", code, groupId)) {
                throw new ParleyException(ErrorCode.INVITE_INVALID);
            }
            tx.update("UPDATE group_invites SET revoked_at = ? WHERE code = ? AND revoked_at IS NULL", clock.millis(), code);
            return null;
        });
    }

    Preview preview(Caller caller, String code) {
        return db.read(tx -> {
            long groupId = live(tx, code);
            return tx.queryOne("SELECT id, name, member_count FROM conversations WHERE id = ?",
                    rs -> new Preview(code, new GroupPreview(rs.getLong(1), rs.getString(2), rs.getLong(3))), groupId).orElseThrow();
        });
    }

    /** Joins the link's group: a current member gets the group as it is; anyone else becomes a member ({@code member_joined}). */
    GroupView join(Caller caller, String code) {
        long me = caller.userId();
        rateLimits.check(RateLimits.Action.GROUP_JOINS, me);
        Long groupId = db.read(tx -> live(tx, code));
        return entries.write(null, (tx, out) -> {
            conversations.lock(tx, groupId);
            live(tx, code); // again under the group's lock: revoked in the meantime means revoked
            Optional<Membership> m = conversations.membership(tx, groupId, me);
            if (m.isEmpty() || !m.get().active()) {
                long count = tx.queryLong("SELECT member_count FROM conversations WHERE id = ?", groupId);
                if (count >= access.maxMembers()) throw new ParleyException(ErrorCode.GROUP_FULL);
                long now = clock.millis();
                long seq = entries.appendSystem(tx, out, groupId, me, Map.of("event", "member_joined", "userId", me), true, now);
                access.addMembers(tx, groupId, List.of(me), seq, now);
            }
            return conversations.groupView(tx, groupId, me);
        });
    }

    /** The group of a live link (not revoked, not expired, group not dissolved); else {@code invite_invalid}. */
    private long live(Tx tx, String code) throws SQLException {
        if (code == null || !CODE.matcher(code).matches()) throw new ParleyException(ErrorCode.INVITE_INVALID);
        return tx.queryOne("""
                SELECT i.conversation_id FROM group_invites i JOIN conversations c ON c.id = i.conversation_id
                WHERE i.code = ? AND i.revoked_at IS NULL AND (i.expires_at IS NULL OR i.expires_at > ?) AND c.dissolved_at IS NULL""",
                rs -> rs.getLong(1), code, clock.millis()).orElseThrow(() -> new ParleyException(ErrorCode.INVITE_INVALID));
    }

    private static InviteView view(ResultSet rs) throws SQLException {
        return new InviteView(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), Tx.nullableLong(rs, 5));
    }
}
