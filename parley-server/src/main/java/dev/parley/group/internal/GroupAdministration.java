package dev.parley.group.internal;

import dev.parley.account.Caller;
import dev.parley.conversation.Conversations;
import dev.parley.conversation.GroupView;
import dev.parley.conversation.Membership;
import dev.parley.messaging.EntryWriter;
import dev.parley.messaging.Outbox;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.Fields;
import dev.parley.platform.ParleyException;
import dev.parley.platform.Tx;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.springframework.stereotype.Component;

/**
 * Changes admins make to a group (name, announcement, mute all, mute one member), the owner's role changes and
 * transfer, and dissolving. Each change is a system entry; a request that changes nothing adds none.
 */
@Component
class GroupAdministration {
    static final int MAX_MUTE_MINUTES = 525_600;

    private final EntryWriter entries;
    private final Conversations conversations;
    private final GroupAccess access;
    private final Clock clock;

    GroupAdministration(EntryWriter entries, Conversations conversations, GroupAccess access, Clock clock) {
        this.entries = entries;
        this.conversations = conversations;
        this.access = access;
        this.clock = clock;
    }

    GroupView update(Caller caller, long groupId, String rawName, String rawAnnouncement, Boolean allMuted) {
        String name = rawName == null ? null : GroupAccess.name(rawName);
        String announcement = rawAnnouncement == null ? null : Fields.checkText("announcement", rawAnnouncement);
        if (announcement != null && announcement.codePointCount(0, announcement.length()) > GroupAccess.MAX_ANNOUNCEMENT) {
            throw ParleyException.invalid("Field 'announcement' is longer than " + GroupAccess.MAX_ANNOUNCEMENT + " characters.");
        }
        long me = caller.userId();
        return entries.write(null, (tx, out) -> {
            conversations.lock(tx, groupId);
            access.admin(tx, groupId, me);
            GroupView g = conversations.groupView(tx, groupId, me);
            long now = clock.millis();
            if (name != null && !name.equals(g.name())) {
                tx.update("UPDATE conversations SET name = ? WHERE id = ?", name, groupId);
                system(tx, out, groupId, me, now, "renamed", "name", name);
            }
            if (announcement != null && !Objects.equals(announcement.isEmpty() ? null : announcement, g.announcement())) {
                tx.update("UPDATE conversations SET announcement = ? WHERE id = ?", announcement.isEmpty() ? null : announcement, groupId);
                if (announcement.isEmpty()) system(tx, out, groupId, me, now, "announcement");
                else system(tx, out, groupId, me, now, "announcement", "announcement", announcement);
            }
            if (allMuted != null && allMuted != g.allMuted()) {
                tx.update("UPDATE conversations SET all_muted = ? WHERE id = ?", allMuted, groupId);
                system(tx, out, groupId, me, now, allMuted ? "all_muted" : "all_unmuted");
            }
            return conversations.groupView(tx, groupId, me);
        });
    }

    GroupAccess.MemberView setRole(Caller caller, long groupId, long userId, String role) {
        if (!Membership.ADMIN.equals(role) && !Membership.MEMBER.equals(role)) {
            throw ParleyException.invalid("Field 'role' must be 'admin' or 'member'.");
        }
        long me = caller.userId();
        return entries.write(null, (tx, out) -> {
            conversations.lock(tx, groupId);
            access.owner(tx, groupId, me);
            Membership target = access.target(tx, groupId, userId);
            if (target.isOwner()) throw ParleyException.invalid("The owner's role changes only by transferring ownership.");
            if (!role.equals(target.role())) {
                tx.update("UPDATE conversation_members SET role = ?, updated_at = ? WHERE conversation_id = ? AND user_id = ?",
                        role, clock.millis(), groupId, userId);
                system(tx, out, groupId, me, clock.millis(), "role_changed", "userId", userId, "role", role);
                // A link speaks for the admin who made it: one who is no longer an admin no longer lets anyone in.
                if (Membership.MEMBER.equals(role)) GroupAccess.revokeLinksOf(tx, groupId, userId, clock.millis());
            }
            return access.memberView(tx, groupId, userId);
        });
    }

    /** The new owner must be a member; the old owner becomes an admin. */
    GroupView transfer(Caller caller, long groupId, Long userId) {
        long to = Fields.requiredId("userId", userId);
        long me = caller.userId();
        return entries.write(null, (tx, out) -> {
            conversations.lock(tx, groupId);
            access.owner(tx, groupId, me);
            if (to == me) throw ParleyException.invalid("You already own this group.");
            access.target(tx, groupId, to);
            long now = clock.millis();
            tx.update("UPDATE conversation_members SET role = 'owner', updated_at = ? WHERE conversation_id = ? AND user_id = ?", now, groupId, to);
            tx.update("UPDATE conversation_members SET role = 'admin', updated_at = ? WHERE conversation_id = ? AND user_id = ?", now, groupId, me);
            tx.update("UPDATE conversations SET owner_id = ? WHERE id = ?", to, groupId);
            system(tx, out, groupId, me, now, "owner_transferred", "userId", to);
            return conversations.groupView(tx, groupId, me);
        });
    }

    /** Admins mute members; the owner mutes anyone. Nobody mutes themselves. */
    GroupAccess.MemberView mute(Caller caller, long groupId, long userId, Integer minutes) {
        if (minutes == null || minutes < 1 || minutes > MAX_MUTE_MINUTES) {
            throw ParleyException.invalid("Field 'minutes' must be 1 to " + MAX_MUTE_MINUTES + ".");
        }
        long me = caller.userId();
        return entries.write(null, (tx, out) -> {
            conversations.lock(tx, groupId);
            if (userId == me) {
                access.admin(tx, groupId, me);
                throw ParleyException.invalid("You cannot mute yourself.");
            }
            mayMute(tx, groupId, me, userId);
            long now = clock.millis();
            long until = now + minutes * 60_000L;
            tx.update("UPDATE conversation_members SET muted_until = ?, updated_at = ? WHERE conversation_id = ? AND user_id = ?",
                    until, now, groupId, userId);
            system(tx, out, groupId, me, now, "member_muted", "userId", userId, "until", until);
            return access.memberView(tx, groupId, userId);
        });
    }

    GroupAccess.MemberView unmute(Caller caller, long groupId, long userId) {
        long me = caller.userId();
        return entries.write(null, (tx, out) -> {
            conversations.lock(tx, groupId);
            if (userId == me) {
                access.admin(tx, groupId, me);
                throw ParleyException.invalid("You cannot unmute yourself.");
            }
            Membership target = mayMute(tx, groupId, me, userId);
            long now = clock.millis();
            if (target.mutedAt(now)) {
                tx.update("UPDATE conversation_members SET muted_until = NULL, updated_at = ? WHERE conversation_id = ? AND user_id = ?",
                        now, groupId, userId);
                system(tx, out, groupId, me, now, "member_unmuted", "userId", userId);
            }
            return access.memberView(tx, groupId, userId);
        });
    }

    private Membership mayMute(Tx tx, long groupId, long me, long userId) throws SQLException {
        Membership m = access.admin(tx, groupId, me);
        Membership target = access.target(tx, groupId, userId);
        if (target.isAdmin() && !m.isOwner()) throw new ParleyException(ErrorCode.NOT_OWNER, "Only the owner may mute an admin.");
        return target;
    }

    /** The owner ends the group: every membership ends at the {@code dissolved} entry. */
    void dissolve(Caller caller, long groupId) {
        long me = caller.userId();
        entries.write(null, (tx, out) -> {
            conversations.lock(tx, groupId);
            access.owner(tx, groupId, me);
            long now = clock.millis();
            long seq = entries.appendSystem(tx, out, groupId, me, Map.of("event", "dissolved"), true, now);
            access.endGroup(tx, groupId, seq, now);
            return null;
        });
    }

    /** A system entry {@code {"event": event, key: value, ...}}. */
    private void system(Tx tx, Outbox out, long groupId, long actor, long now, String event, Object... fields) throws SQLException {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("event", event);
        for (int i = 0; i < fields.length; i += 2) payload.put((String) fields[i], fields[i + 1]);
        entries.appendSystem(tx, out, groupId, actor, payload, false, now);
    }
}
