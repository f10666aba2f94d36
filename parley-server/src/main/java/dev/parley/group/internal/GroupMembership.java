package dev.parley.group.internal;

import dev.parley.account.Caller;
import dev.parley.conversation.Conversations;
import dev.parley.conversation.GroupView;
import dev.parley.conversation.Membership;
import dev.parley.messaging.EntryWriter;
import dev.parley.platform.Db;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.ParleyException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Members coming and going: admins add friends, remove members (only the owner removes admins), anyone but the
 * owner leaves. Each change is a system entry; a member who goes keeps everything up to and including it.
 */
@Component
class GroupMembership {
    static final int MAX_PAGE = 1000;
    static final int DEFAULT_PAGE = 200;

    record Page(List<GroupAccess.MemberView> members, Long next) {}

    private final Db db;
    private final EntryWriter entries;
    private final Conversations conversations;
    private final GroupAccess access;
    private final Clock clock;

    GroupMembership(Db db, EntryWriter entries, Conversations conversations, GroupAccess access, Clock clock) {
        this.db = db;
        this.entries = entries;
        this.conversations = conversations;
        this.access = access;
        this.clock = clock;
    }

    /**
     * The group as the caller sees it: a current member sees it as it is, a former member as it was when their
     * membership ended (ADR 0007); anyone who never was a member gets {@code group_not_found}.
     */
    GroupView view(Caller caller, long groupId) {
        return db.read(tx -> conversations.groupView(tx, groupId, caller.userId()));
    }

    /** Current members by user id; {@code after}: the last user id of the previous page. */
    Page members(Caller caller, long groupId, Long after, Integer limit) {
        int n = limit == null ? DEFAULT_PAGE : limit;
        if (n < 1 || n > MAX_PAGE) throw ParleyException.invalid("Parameter 'limit' must be 1 to " + MAX_PAGE + ".");
        long from = after == null ? 0 : after;
        return db.read(tx -> {
            access.member(tx, groupId, caller.userId());
            long now = clock.millis();
            List<GroupAccess.MemberView> rows = tx.query("""
                    SELECT u.id, u.username, u.display_name, m.role, m.joined_at, m.muted_until
                    FROM conversation_members m JOIN users u ON u.id = m.user_id
                    WHERE m.conversation_id = ? AND m.left_seq IS NULL AND m.user_id > ? ORDER BY m.user_id LIMIT ?""",
                    rs -> GroupAccess.memberView(rs, now), groupId, from, n + 1);
            boolean more = rows.size() > n;
            List<GroupAccess.MemberView> page = more ? rows.subList(0, n) : rows;
            return new Page(page, more ? page.get(n - 1).user().id() : null);
        });
    }

    GroupView add(Caller caller, long groupId, List<Long> userIds) {
        long me = caller.userId();
        if (userIds == null || userIds.isEmpty()) throw ParleyException.invalid("Field 'userIds' must list at least one user.");
        List<Long> wanted = new ArrayList<>(new LinkedHashSet<>(userIds));
        for (Long id : wanted) if (id == null || id <= 0) throw ParleyException.invalid("Field 'userIds' must hold user ids.");
        return entries.write(null, (tx, out) -> {
            conversations.lock(tx, groupId);
            Membership m = access.admin(tx, groupId, me);
            Set<Long> present = GroupAccess.currentMembers(tx, groupId, wanted);
            List<Long> added = wanted.stream().filter(u -> !present.contains(u)).toList();
            if (!added.isEmpty()) {
                access.requireFriends(tx, me, added);
                GroupAccess.requireNotBanned(tx, groupId, added);
                if (m.memberCount() + added.size() > access.maxMembers()) {
                    throw new ParleyException(ErrorCode.GROUP_FULL, "A group has at most " + access.maxMembers() + " members.");
                }
                long now = clock.millis();
                long seq = entries.appendSystem(tx, out, groupId, me, Map.of("event", "members_added", "userIds", added), true, now);
                access.addMembers(tx, groupId, added, seq, now);
            }
            return conversations.groupView(tx, groupId, me);
        });
    }

    void remove(Caller caller, long groupId, long userId) {
        long me = caller.userId();
        entries.write(null, (tx, out) -> {
            conversations.lock(tx, groupId);
            Membership m = access.admin(tx, groupId, me);
            if (userId == me) throw ParleyException.invalid("To leave a group, use its leave action.");
            Membership target = access.target(tx, groupId, userId);
            if (target.isAdmin() && !m.isOwner()) throw new ParleyException(ErrorCode.NOT_OWNER, "Only the owner may remove an admin.");
            long now = clock.millis();
            long seq = entries.appendSystem(tx, out, groupId, me, Map.of("event", "member_removed", "userId", userId), true, now);
            access.endMembership(tx, groupId, userId, seq, now);
            return null;
        });
    }

    /** The owner leaves only as the last member (which ends the group); else they transfer ownership first. */
    void leave(Caller caller, long groupId) {
        long me = caller.userId();
        entries.write(null, (tx, out) -> {
            conversations.lock(tx, groupId);
            Membership m = access.member(tx, groupId, me);
            if (m.isOwner() && m.memberCount() > 1) throw new ParleyException(ErrorCode.OWNER_MUST_TRANSFER);
            long now = clock.millis();
            long seq = entries.appendSystem(tx, out, groupId, me, Map.of("event", "member_left", "userId", me), true, now);
            access.endMembership(tx, groupId, me, seq, now);
            if (m.memberCount() <= 1) access.endGroup(tx, groupId, seq, now);
            return null;
        });
    }
}
