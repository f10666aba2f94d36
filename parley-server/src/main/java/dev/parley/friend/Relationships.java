package dev.parley.friend;

import dev.parley.platform.Tx;
import java.sql.SQLException;
import org.springframework.stereotype.Component;

/** Friendship and block checks for other modules, inside their transactions. */
@Component
public class Relationships {
    public boolean areFriends(Tx tx, long a, long b) throws SQLException {
        return tx.exists("SELECT 1 FROM friendships WHERE user_id = ? AND friend_id = ?", a, b);
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
