package dev.parley.friend.internal;

import dev.parley.account.UserDirectory;
import dev.parley.account.UserSummary;
import dev.parley.events.AccountEvents;
import dev.parley.events.AccountEvents.Pending;
import dev.parley.platform.Db;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.ParleyException;
import dev.parley.platform.Tx;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/** Friends and blocks: list, remove, block, unblock. */
@Component
class FriendList {
    record Friend(UserSummary user, long since) {}

    private final Db db;
    private final UserDirectory users;
    private final FriendRequests requests;
    private final AccountEvents events;
    private final Clock clock;

    FriendList(Db db, UserDirectory users, FriendRequests requests, AccountEvents events, Clock clock) {
        this.db = db;
        this.users = users;
        this.requests = requests;
        this.events = events;
        this.clock = clock;
    }

    List<Friend> friends(long me) {
        return db.read(tx -> tx.query("""
                SELECT u.id, u.username, u.display_name, f.created_at FROM friendships f JOIN users u ON u.id = f.friend_id
                WHERE f.user_id = ? ORDER BY u.username""",
                rs -> new Friend(UserDirectory.map(rs), rs.getLong(4)), me));
    }

    void remove(long me, long friendId) {
        List<Pending> out = new ArrayList<>();
        db.write(tx -> {
            events.lockUsers(tx, me, friendId);
            if (!unfriend(tx, me, friendId, out)) throw new ParleyException(ErrorCode.NOT_FOUND, "That user is not your friend.");
            return null;
        });
        events.publish(out);
    }

    List<UserSummary> blocked(long me) {
        return db.read(tx -> tx.query("""
                SELECT u.id, u.username, u.display_name FROM blocks b JOIN users u ON u.id = b.blocked_id
                WHERE b.blocker_id = ? ORDER BY u.username""", UserDirectory::map, me));
    }

    /** Blocking also ends the friendship and any pending request: to the blocked user it looks like a removal. */
    void block(long me, long target) {
        if (target == me) throw ParleyException.invalid("You cannot block yourself.");
        List<Pending> out = new ArrayList<>();
        db.write(tx -> {
            UserSummary who = users.find(tx, target).orElseThrow(() -> new ParleyException(ErrorCode.USER_NOT_FOUND));
            events.lockUsers(tx, me, target);
            int added = tx.update("INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    me, target, clock.millis());
            if (added == 0) return null; // already blocked: nothing changes
            unfriend(tx, me, target, out);
            requests.onBlock(tx, me, target, out);
            out.add(events.append(tx, me, "user_blocked", Map.of("user", who)));
            return null;
        });
        events.publish(out);
    }

    void unblock(long me, long target) {
        List<Pending> out = new ArrayList<>();
        db.write(tx -> {
            int n = tx.update("DELETE FROM blocks WHERE blocker_id = ? AND blocked_id = ?", me, target);
            if (n == 0) throw new ParleyException(ErrorCode.NOT_FOUND, "That user is not blocked.");
            out.add(events.append(tx, me, "user_unblocked", Map.of("userId", target)));
            return null;
        });
        events.publish(out);
    }

    private boolean unfriend(Tx tx, long a, long b, List<Pending> out) throws SQLException {
        int n = tx.update("DELETE FROM friendships WHERE (user_id = ? AND friend_id = ?) OR (user_id = ? AND friend_id = ?)", a, b, b, a);
        if (n == 0) return false;
        out.add(events.append(tx, a, "friend_removed", Map.of("userId", b)));
        out.add(events.append(tx, b, "friend_removed", Map.of("userId", a)));
        return true;
    }
}
