package dev.parley.delivery;

import java.util.Collection;

/**
 * Knows which devices are connected and hands them frames. Best effort: a device that misses a push catches up
 * through sync. This is the only place that knows how many nodes there are: today one implementation keeps
 * connections in this process; a Redis-backed one will route to the node holding the connection.
 */
public interface Delivery {
    void register(Connection connection);

    void unregister(Connection connection);

    void toUsers(Collection<Long> userIds, Push push);

    /** As {@link #toUsers}, skipping one connection (the one that caused the push and already has its answer). */
    void toUsersExcept(Collection<Long> userIds, Push push, Connection except);

    default void toUser(long userId, Push push) {
        toUsers(java.util.List.of(userId), push);
    }

    /** Closes every connection of one device session (logout, revoke, password change). */
    void closeSession(long userId, long sessionId, CloseReason reason);

    /** Connections held by this node. */
    int localConnectionCount();
}
