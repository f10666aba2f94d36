package dev.parley.delivery.internal;

import dev.parley.delivery.CloseReason;
import dev.parley.delivery.Connection;
import dev.parley.delivery.ConnectionListener;
import dev.parley.delivery.Delivery;
import dev.parley.delivery.Push;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/** Single-node delivery: user id to the array of that user's live connections (arrays: a few bytes per device). */
@Component
class LocalDelivery implements Delivery {
    private static final Connection[] NONE = new Connection[0];
    private final ConcurrentHashMap<Long, Connection[]> byUser = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();
    private final ObjectProvider<ConnectionListener> listenerBeans;
    /** Resolved on first use: the listeners (presence) themselves depend on delivery. */
    private volatile List<ConnectionListener> listeners;

    LocalDelivery(ObjectProvider<ConnectionListener> listenerBeans) {
        this.listenerBeans = listenerBeans;
    }

    private List<ConnectionListener> listeners() {
        List<ConnectionListener> l = listeners;
        if (l == null) listeners = l = listenerBeans.orderedStream().toList();
        return l;
    }

    @Override
    public void register(Connection c) {
        byUser.compute(c.userId(), (k, old) -> {
            Connection[] base = old == null ? NONE : old;
            Connection[] next = Arrays.copyOf(base, base.length + 1);
            next[base.length] = c;
            return next;
        });
        count.incrementAndGet();
        for (ConnectionListener l : listeners()) l.opened(c);
    }

    @Override
    public void unregister(Connection c) {
        boolean[] removed = {false};
        byUser.computeIfPresent(c.userId(), (k, old) -> {
            int i = Arrays.asList(old).indexOf(c);
            if (i < 0) return old;
            removed[0] = true;
            if (old.length == 1) return null;
            Connection[] next = new Connection[old.length - 1];
            System.arraycopy(old, 0, next, 0, i);
            System.arraycopy(old, i + 1, next, i, old.length - i - 1);
            return next;
        });
        if (removed[0]) {
            count.decrementAndGet();
            for (ConnectionListener l : listeners()) l.closed(c);
        }
    }

    @Override
    public void toUsers(Collection<Long> userIds, Push push) {
        toUsersExcept(userIds, push, null);
    }

    @Override
    public void toUsersExcept(Collection<Long> userIds, Push push, Connection except) {
        for (Long id : userIds) {
            Connection[] cs = byUser.get(id);
            if (cs == null) continue;
            for (Connection c : cs) {
                if (c != except) c.send(push);
            }
        }
    }

    @Override
    public void closeSession(long userId, long sessionId, CloseReason reason) {
        Connection[] cs = byUser.get(userId);
        if (cs == null) return;
        for (Connection c : cs) {
            if (c.sessionId() == sessionId) c.close(reason);
        }
    }

    @Override
    public int localConnectionCount() {
        return count.get();
    }
}
