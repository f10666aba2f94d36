package dev.parley.group.internal;

import dev.parley.account.Caller;
import dev.parley.conversation.Conversations;
import dev.parley.conversation.GroupView;
import dev.parley.messaging.EntryWriter;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.ParleyException;
import dev.parley.platform.RateLimits;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/** Creates a group of the caller (its owner) and friends they choose; its first entry is {@code created}. */
@Component
class GroupCreation {
    private final EntryWriter entries;
    private final RateLimits rateLimits;
    private final Conversations conversations;
    private final GroupAccess access;
    private final Clock clock;

    GroupCreation(EntryWriter entries, Conversations conversations, GroupAccess access, Clock clock, RateLimits rateLimits) {
        this.rateLimits = rateLimits;
        this.entries = entries;
        this.conversations = conversations;
        this.access = access;
        this.clock = clock;
    }

    GroupView create(Caller caller, String rawName, List<Long> memberIds) {
        rateLimits.check(RateLimits.Action.GROUP_CREATIONS, caller.userId());
        String name = GroupAccess.name(rawName);
        long me = caller.userId();
        LinkedHashSet<Long> distinct = new LinkedHashSet<>(memberIds == null ? List.of() : memberIds);
        distinct.remove(me);
        for (Long id : distinct) if (id == null || id <= 0) throw ParleyException.invalid("Field 'memberIds' must hold user ids.");
        List<Long> others = new ArrayList<>(distinct);
        if (others.size() + 1 > access.maxMembers()) {
            throw new ParleyException(ErrorCode.GROUP_FULL, "A group has at most " + access.maxMembers() + " members.");
        }
        return entries.write(null, (tx, out) -> {
            access.requireFriends(tx, me, others);
            long now = clock.millis();
            long id = tx.updateReturningLong("""
                    INSERT INTO conversations (kind, created_at, last_seq, last_activity_at, updated_at, name, owner_id, member_count)
                    VALUES ('group', ?, 0, ?, ?, ?, ?, 0) RETURNING id""", now, now, now, name, me);
            long seq = entries.appendSystem(tx, out, id, me, Map.of("event", "created", "name", name, "userIds", others), true, now);
            List<Long> all = new ArrayList<>(others.size() + 1);
            all.add(me);
            all.addAll(others);
            access.addMembers(tx, id, all, seq, now);
            tx.update("UPDATE conversation_members SET role = 'owner' WHERE conversation_id = ? AND user_id = ?", id, me);
            return conversations.groupView(tx, id, me);
        });
    }
}
