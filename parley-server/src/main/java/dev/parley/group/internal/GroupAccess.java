package dev.parley.group.internal;

import dev.parley.account.UserDirectory;
import dev.parley.account.UserSummary;
import dev.parley.conversation.Conversations;
import dev.parley.conversation.Membership;
import dev.parley.friend.Relationships;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.Fields;
import dev.parley.platform.ParleyException;
import dev.parley.platform.ParleyProperties;
import dev.parley.platform.Tx;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * What every group operation shares, inside its transaction: who the caller is in the group (with the documented
 * error when they may not act), member rows coming and going, and the views.
 */
@Component
class GroupAccess {
    static final int MAX_NAME = 64;
    static final int MAX_ANNOUNCEMENT = 2000;

    /** A member as listed: {@code mutedUntil} only while the mute lasts. */
    record MemberView(UserSummary user, String role, long joinedAt, Long mutedUntil) {}

    private final Conversations conversations;
    private final Relationships relationships;
    private final Clock clock;
    private final int maxMembers;

    GroupAccess(Conversations conversations, Relationships relationships, Clock clock, ParleyProperties props) {
        this.conversations = conversations;
        this.relationships = relationships;
        this.clock = clock;
        this.maxMembers = props.limits().maxGroupMembers();
    }

    int maxMembers() { return maxMembers; }

    /** A current member: {@code group_not_found} for anyone who never was one, {@code not_member} for a former one. */
    Membership member(Tx tx, long groupId, long userId) throws SQLException {
        Membership m = conversations.membership(tx, groupId, userId).filter(Membership::isGroup)
                .orElseThrow(() -> new ParleyException(ErrorCode.GROUP_NOT_FOUND));
        if (!m.active()) throw new ParleyException(ErrorCode.NOT_MEMBER);
        return m;
    }

    Membership admin(Tx tx, long groupId, long userId) throws SQLException {
        Membership m = member(tx, groupId, userId);
        if (!m.isAdmin()) throw new ParleyException(ErrorCode.NOT_ADMIN);
        return m;
    }

    Membership owner(Tx tx, long groupId, long userId) throws SQLException {
        Membership m = member(tx, groupId, userId);
        if (!m.isOwner()) throw new ParleyException(ErrorCode.NOT_OWNER);
        return m;
    }

    /** The member an admin acts on. */
    Membership target(Tx tx, long groupId, long userId) throws SQLException {
        return conversations.membership(tx, groupId, userId).filter(Membership::active)
                .orElseThrow(() -> new ParleyException(ErrorCode.NOT_MEMBER, "That user is not a member of this group."));
    }

    static String name(String raw) {
        String name = Fields.bounded("name", raw, MAX_NAME);
        if (name.isBlank()) throw ParleyException.invalid("Field 'name' may not be blank.");
        return name;
    }

    /** Refuses anyone who is not the caller's friend ({@code not_friends}). */
    void requireFriends(Tx tx, long me, List<Long> userIds) throws SQLException {
        if (relationships.friendsAmong(tx, me, userIds).size() != userIds.size()) {
            throw new ParleyException(ErrorCode.NOT_FRIENDS, "You can only add your friends to a group.");
        }
    }

    /** Of {@code userIds}, those who are current members. */
    static Set<Long> currentMembers(Tx tx, long groupId, List<Long> userIds) throws SQLException {
        return rowsAmong(tx, groupId, userIds, "left_seq IS NULL");
    }

    private static Set<Long> rowsAmong(Tx tx, long groupId, List<Long> userIds, String condition) throws SQLException {
        Set<Long> out = new HashSet<>();
        for (int from = 0; from < userIds.size(); from += 500) {
            List<Long> chunk = userIds.subList(from, Math.min(userIds.size(), from + 500));
            Object[] params = new Object[chunk.size() + 1];
            params[0] = groupId;
            for (int i = 0; i < chunk.size(); i++) params[i + 1] = chunk.get(i);
            out.addAll(tx.query("SELECT user_id FROM conversation_members WHERE conversation_id = ? AND " + condition
                    + " AND user_id IN (" + Tx.marks(chunk.size()) + ")", rs -> rs.getLong(1), params));
        }
        return out;
    }

    /**
     * Makes {@code userIds} (not current members) members from entry {@code seq} on, the entry that added them:
     * they see the group's history from there ({@code cleared_seq = seq - 1}). Former members come back the same way.
     */
    void addMembers(Tx tx, long groupId, List<Long> userIds, long seq, long now) throws SQLException {
        Set<Long> former = rowsAmong(tx, groupId, userIds, "left_seq IS NOT NULL");
        List<Object[]> back = new ArrayList<>();
        List<Object[]> fresh = new ArrayList<>();
        for (long u : userIds) {
            if (former.contains(u)) back.add(new Object[] {now, seq, seq - 1, seq - 1, seq - 1, now, groupId, u});
            else fresh.add(new Object[] {groupId, u, now, seq, seq - 1, seq - 1, seq - 1, now});
        }
        tx.batch("""
                UPDATE conversation_members SET left_seq = NULL, left_group = NULL, role = 'member', muted_until = NULL, joined_at = ?,
                       joined_seq = ?, cleared_seq = ?, read_seq = ?, delivered_seq = ?, updated_at = ?
                WHERE conversation_id = ? AND user_id = ?""", back);
        tx.batch("""
                INSERT INTO conversation_members (conversation_id, user_id, joined_at, joined_seq, read_seq, delivered_seq, cleared_seq, updated_at, role)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'member')""", fresh);
        tx.update("UPDATE conversations SET member_count = member_count + ? WHERE id = ?", userIds.size(), groupId);
    }

    /**
     * Ends one membership at entry {@code seq}: the user keeps what they saw up to and including it. The invite links
     * they created die with it: a link speaks for the admin who made it.
     */
    void endMembership(Tx tx, long groupId, long userId, long seq, long now) throws SQLException {
        tx.update("UPDATE conversation_members SET left_seq = ?, muted_until = NULL, updated_at = ? WHERE conversation_id = ? AND user_id = ?",
                seq, now, groupId, userId);
        tx.update("UPDATE conversations SET member_count = member_count - 1 WHERE id = ?", groupId);
        conversations.keepGroupViewFor(tx, groupId, "user_id = ?", userId);
        revokeLinksOf(tx, groupId, userId, now);
    }

    /** Revokes the live invite links {@code userId} created in the group (they left, were removed or are no longer an admin). */
    static void revokeLinksOf(Tx tx, long groupId, long userId, long now) throws SQLException {
        tx.update("UPDATE group_invites SET revoked_at = ? WHERE conversation_id = ? AND created_by = ? AND revoked_at IS NULL",
                now, groupId, userId);
    }

    static boolean banned(Tx tx, long groupId, long userId) throws SQLException {
        return tx.exists("SELECT 1 FROM group_bans WHERE conversation_id = ? AND user_id = ?", groupId, userId);
    }

    /** Refuses adding anyone the group has banned ({@code user_banned}): the ban is lifted first. */
    static void requireNotBanned(Tx tx, long groupId, List<Long> userIds) throws SQLException {
        for (int from = 0; from < userIds.size(); from += 500) {
            List<Long> chunk = userIds.subList(from, Math.min(userIds.size(), from + 500));
            Object[] params = new Object[chunk.size() + 1];
            params[0] = groupId;
            for (int i = 0; i < chunk.size(); i++) params[i + 1] = chunk.get(i);
            Optional<Long> hit = tx.queryOne("SELECT user_id FROM group_bans WHERE conversation_id = ? AND user_id IN (" + Tx.marks(chunk.size())
                    + ") ORDER BY user_id LIMIT 1", rs -> rs.getLong(1), params);
            if (hit.isPresent()) {
                throw new ParleyException(ErrorCode.USER_BANNED, "User " + hit.get() + " is banned from this group; lift the ban first.");
            }
        }
    }

    /** Ends the group: every membership ends at {@code seq}; invite links die. */
    void endGroup(Tx tx, long groupId, long seq, long now) throws SQLException {
        tx.update("UPDATE conversations SET member_count = 0, dissolved_at = ? WHERE id = ?", now, groupId);
        conversations.keepGroupViewFor(tx, groupId, "left_seq IS NULL");
        tx.update("UPDATE conversation_members SET left_seq = ?, muted_until = NULL, updated_at = ? WHERE conversation_id = ? AND left_seq IS NULL",
                seq, now, groupId);
        tx.update("UPDATE group_invites SET revoked_at = ? WHERE conversation_id = ? AND revoked_at IS NULL", now, groupId);
    }

    MemberView memberView(Tx tx, long groupId, long userId) throws SQLException {
        long now = clock.millis();
        return tx.queryOne("""
                SELECT u.id, u.username, u.display_name, m.role, m.joined_at, m.muted_until
                FROM conversation_members m JOIN users u ON u.id = m.user_id WHERE m.conversation_id = ? AND m.user_id = ?""",
                rs -> memberView(rs, now), groupId, userId).orElseThrow(() -> new ParleyException(ErrorCode.NOT_MEMBER));
    }

    static MemberView memberView(java.sql.ResultSet rs, long now) throws SQLException {
        Long muted = Tx.nullableLong(rs, 6);
        return new MemberView(UserDirectory.map(rs), rs.getString(4), rs.getLong(5), muted != null && muted > now ? muted : null);
    }
}
