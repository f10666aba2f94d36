package dev.parley.friend;

import dev.parley.platform.Tx;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Component;

/** Friendship and block checks for other modules, inside their transactions. */
@Component
public class Relationships {
    public boolean areFriends(Tx tx, long a, long b) throws SQLException {
        return tx.exists("SELECT 1 FROM friendships WHERE user_id = ? AND friend_id = ?", a, b);
    }

    public List<Long> friendIds(Tx tx, long userId) throws SQLException {
        return tx.query("SELECT friend_id FROM friendships WHERE user_id = ?", rs -> rs.getLong(1), userId);
    }

    /** Of {@code userIds}, those who are friends of {@code userId}. */
    public Set<Long> friendsAmong(Tx tx, long userId, List<Long> userIds) throws SQLException {
        Set<Long> out = new HashSet<>();
        for (int from = 0; from < userIds.size(); from += 500) {
            List<Long> chunk = userIds.subList(from, Math.min(userIds.size(), from + 500));
            Object[] params = new Object[chunk.size() + 1];
            params[0] = userId;
            for (int i = 0; i < chunk.size(); i++) params[i + 1] = chunk.get(i);
            out.addAll(tx.query("SELECT friend_id FROM friendships WHERE user_id = ? AND friend_id IN (" + Tx.marks(chunk.size()) + ")",
                    rs -> rs.getLong(1), params));
        }
        return out;
    }

    /** Of {@code userIds}, those who block {@code userId} (MAX_MENTIONS bounds the list, so one statement). */
    public Set<Long> blockersAmong(Tx tx, long userId, List<Long> userIds) throws SQLException {
        if (userIds.isEmpty()) return Set.of();
        Object[] params = new Object[userIds.size() + 1];
        params[0] = userId;
        for (int i = 0; i < userIds.size(); i++) params[i + 1] = userIds.get(i);
        return new HashSet<>(tx.query("SELECT blocker_id FROM blocks WHERE blocked_id = ? AND blocker_id IN (" + Tx.marks(userIds.size()) + ")",
                rs -> rs.getLong(1), params));
    }

    public boolean blocks(Tx tx, long blocker, long blocked) throws SQLException {
        return tx.exists("SELECT 1 FROM blocks WHERE blocker_id = ? AND blocked_id = ?", blocker, blocked);
    }

    /**
     * Whether {@code sender} may message {@code recipient}: friends, and neither blocks the other. One statement,
     * since it runs inside every send's transaction.
     */
    public boolean mayMessage(Tx tx, long sender, long recipient) throws SQLException {
        return tx.exists("""
                SELECT 1 FROM friendships f WHERE f.user_id = ? AND f.friend_id = ?
                AND NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.blocker_id = ? AND b.blocked_id = ?) OR (b.blocker_id = ? AND b.blocked_id = ?))""",
                sender, recipient, sender, recipient, recipient, sender);
    }
}
