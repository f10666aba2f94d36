package dev.parley.group.internal;

import dev.parley.account.Caller;
import dev.parley.conversation.Conversations;
import dev.parley.conversation.GroupView;
import dev.parley.conversation.Membership;
import dev.parley.friend.Relationships;
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
 * A code is 128 random bits (base64url), so links cannot be guessed. A link may expire and may admit at most
 * {@code maxUses} joiners, counted in the statement that admits each one. To a user the group has banned, or whom the
 * group's owner or the link's creator blocks, a link is {@code invite_invalid}, exactly as a revoked one: the answer
 * does not say which (ADR 0004).
 */
@Component
class GroupInvites {
    static final int MAX_HOURS = 24 * 365;
    static final int MAX_USES = 100_000;
    private static final Pattern CODE = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    /**
     * {@code expiresAt} absent: the link lasts until revoked; {@code maxUses} absent: it admits anyone, else
     * {@code remainingUses} of them are left. {@code uses}: joins so far.
     */
    record InviteView(String code, long groupId, long createdBy, long createdAt, Long expiresAt, Integer maxUses, int uses,
                      Integer remainingUses) {
        static InviteView of(String code, long groupId, long createdBy, long createdAt, Long expiresAt, Integer maxUses, int uses) {
            return new InviteView(code, groupId, createdBy, createdAt, expiresAt, maxUses, uses,
                    maxUses == null ? null : Math.max(0, maxUses - uses));
        }
    }

    record GroupPreview(long id, String name, long memberCount) {}

    record Preview(String code, GroupPreview group) {}

    private final SecureRandom random = new SecureRandom();
    private final Db db;
    private final RateLimits rateLimits;
    private final EntryWriter entries;
    private final Conversations conversations;
    private final GroupAccess access;
    private final Relationships relationships;
    private final Clock clock;

    GroupInvites(Db db, EntryWriter entries, Conversations conversations, GroupAccess access, Relationships relationships, Clock clock,
            RateLimits rateLimits) {
        this.rateLimits = rateLimits;
        this.db = db;
        this.entries = entries;
        this.conversations = conversations;
        this.access = access;
        this.relationships = relationships;
        this.clock = clock;
    }

    InviteView create(Caller caller, long groupId, Integer expiresInHours, Integer maxUses) {
        rateLimits.check(RateLimits.Action.INVITE_CREATIONS, caller.userId());
        if (expiresInHours != null && (expiresInHours < 1 || expiresInHours > MAX_HOURS)) {
            throw ParleyException.invalid("Field 'expiresInHours' must be 1 to " + MAX_HOURS + ".");
        }
        if (maxUses != null && (maxUses < 1 || maxUses > MAX_USES)) {
            throw ParleyException.invalid("Field 'maxUses' must be 1 to " + MAX_USES + ".");
        }
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        String code = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        return db.write(tx -> {
            access.admin(tx, groupId, caller.userId());
            long now = clock.millis();
            Long expires = expiresInHours == null ? null : now + expiresInHours * 3_600_000L;
            tx.update("INSERT INTO group_invites (code, conversation_id, created_by, created_at, expires_at, max_uses) VALUES (?, ?, ?, ?, ?, ?)",
                    code, groupId, caller.userId(), now, expires, maxUses);
            return InviteView.of(code, groupId, caller.userId(), now, expires, maxUses, 0);
        });
    }

    /** The group's live links (not revoked, not expired, not used up), newest first. */
    List<InviteView> list(Caller caller, long groupId) {
        return db.read(tx -> {
            access.admin(tx, groupId, caller.userId());
            return tx.query("""
                    SELECT code, conversation_id, created_by, created_at, expires_at, max_uses, uses FROM group_invites
                    WHERE conversation_id = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)
                      AND (max_uses IS NULL OR uses < max_uses)
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
            long groupId = live(tx, code, caller.userId());
            return tx.queryOne("SELECT id, name, member_count FROM conversations WHERE id = ?",
                    rs -> new Preview(code, new GroupPreview(rs.getLong(1), rs.getString(2), rs.getLong(3))), groupId).orElseThrow();
        });
    }

    /**
     * Joins the link's group: a current member gets the group as it is; anyone else becomes a member
     * ({@code member_joined}) and takes one of the link's uses.
     */
    GroupView join(Caller caller, String code) {
        long me = caller.userId();
        rateLimits.check(RateLimits.Action.GROUP_JOINS, me);
        Long groupId = db.read(tx -> live(tx, code, me));
        return entries.write(null, (tx, out) -> {
            conversations.lock(tx, groupId);
            live(tx, code, me); // again under the group's lock: revoked, banned or blocked in the meantime counts
            Optional<Membership> m = conversations.membership(tx, groupId, me);
            if (m.isEmpty() || !m.get().active()) {
                long count = tx.queryLong("SELECT member_count FROM conversations WHERE id = ?", groupId);
                if (count >= access.maxMembers()) throw new ParleyException(ErrorCode.GROUP_FULL);
                takeUse(tx, code);
                long now = clock.millis();
                long seq = entries.appendSystem(tx, out, groupId, me, Map.of("event", "member_joined", "userId", me), true, now);
                access.addMembers(tx, groupId, List.of(me), seq, now);
            }
            return conversations.groupView(tx, groupId, me);
        });
    }

    /**
     * Counts one use in the statement that checks the limit, so that joiners racing for a link's last use cannot
     * both have it, whatever else serializes them: one row update, its condition re-read under the row's lock
     * (PostgreSQL) or in the single writer (SQLite).
     */
    private static void takeUse(Tx tx, String code) throws SQLException {
        if (tx.update("UPDATE group_invites SET uses = uses + 1 WHERE code = ? AND (max_uses IS NULL OR uses < max_uses)", code) == 0) {
            throw new ParleyException(ErrorCode.INVITE_INVALID);
        }
    }

    /**
     * The group of a link that is live for this user: not revoked, not expired, not used up, group not dissolved, the
     * user not banned from it and not blocked by the group's owner or by the link's creator. Anything else is
     * {@code invite_invalid}, whatever the reason, so that the answer reveals neither a ban nor a block.
     */
    private long live(Tx tx, String code, long userId) throws SQLException {
        if (code == null || !CODE.matcher(code).matches()) throw new ParleyException(ErrorCode.INVITE_INVALID);
        record Link(long groupId, long createdBy, long ownerId) {}
        Link link = tx.queryOne("""
                SELECT i.conversation_id, i.created_by, c.owner_id FROM group_invites i JOIN conversations c ON c.id = i.conversation_id
                WHERE i.code = ? AND i.revoked_at IS NULL AND (i.expires_at IS NULL OR i.expires_at > ?)
                  AND (i.max_uses IS NULL OR i.uses < i.max_uses) AND c.dissolved_at IS NULL""",
                rs -> new Link(rs.getLong(1), rs.getLong(2), rs.getLong(3)), code, clock.millis())
                .orElseThrow(() -> new ParleyException(ErrorCode.INVITE_INVALID));
        if (GroupAccess.banned(tx, link.groupId(), userId)
                || relationships.blocks(tx, link.ownerId(), userId)
                || relationships.blocks(tx, link.createdBy(), userId)) {
            throw new ParleyException(ErrorCode.INVITE_INVALID);
        }
        return link.groupId();
    }

    private static InviteView view(ResultSet rs) throws SQLException {
        Long maxUses = Tx.nullableLong(rs, 6);
        return InviteView.of(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), Tx.nullableLong(rs, 5),
                maxUses == null ? null : maxUses.intValue(), rs.getInt(7));
    }
}
