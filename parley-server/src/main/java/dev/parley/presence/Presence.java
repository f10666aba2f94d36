package dev.parley.presence;

import dev.parley.account.Caller;
import dev.parley.account.PresenceVisibilityChanged;
import dev.parley.delivery.Connection;
import dev.parley.delivery.ConnectionListener;
import dev.parley.delivery.Delivery;
import dev.parley.delivery.Push;
import dev.parley.friend.Relationships;
import dev.parley.platform.Blocking;
import dev.parley.platform.Db;
import dev.parley.platform.ParleyException;
import dev.parley.platform.Tx;
import java.time.Clock;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Who is online, from the connections {@link Delivery} holds on this node: a user is {@code online} when any of
 * their connections is, {@code away} when all of them say so, {@code offline} when none is left (then the time is
 * stored as their last seen). Each change of that aggregate is pushed to their friends as {@code presence}, unless
 * they chose {@code nobody} (then friends always see them offline, without a time). Changes of one user are
 * announced one at a time, in order, on a virtual thread.
 */
@Component
public class Presence implements ConnectionListener {
    public static final String ONLINE = "online";
    public static final String AWAY = "away";
    public static final String OFFLINE = "offline";

    /** A user's state as a friend sees it; {@code lastSeenAt} only when offline and known. */
    public record View(long userId, String state, Long lastSeenAt) {}

    private static final Logger log = LoggerFactory.getLogger(Presence.class);

    /** One user's connections (true: away) and what their friends were last told. Guarded by itself. */
    private static final class UserState {
        /** Sized for the usual one or two devices: the default table alone would be 272 bytes per online user. */
        final Map<Connection, Boolean> away = new IdentityHashMap<>(2);
        String announced = OFFLINE;
        boolean announcing;
        boolean dropped;
        /** When the last connection closed. */
        long lastSeenAt;

        String state() {
            if (away.isEmpty()) return OFFLINE;
            for (boolean a : away.values()) if (!a) return ONLINE;
            return AWAY;
        }
    }

    private final ConcurrentHashMap<Long, UserState> users = new ConcurrentHashMap<>();
    private final Db db;
    private final Relationships relationships;
    private final Delivery delivery;
    private final Blocking blocking;
    private final Clock clock;
    /** How long a user whose last connection closed still counts as what they were (docs/protocol.md, presence). */
    private final Duration offlineGrace;

    public Presence(Db db, Relationships relationships, Delivery delivery, Blocking blocking, Clock clock,
                    @Value("${parley.presence.offline-grace:10s}") Duration offlineGrace) {
        this.offlineGrace = offlineGrace;
        this.db = db;
        this.relationships = relationships;
        this.delivery = delivery;
        this.blocking = blocking;
        this.clock = clock;
    }

    @Override
    public void opened(Connection c) {
        while (true) {
            UserState s = users.computeIfAbsent(c.userId(), k -> new UserState());
            boolean start;
            synchronized (s) {
                if (s.dropped) continue; // removed while we looked it up: take the new one
                s.away.put(c, false);
                start = changed(c.userId(), s);
            }
            // On a virtual thread (the usual case: registering follows the token check) friends hear of it before the
            // connection's first frame goes out; elsewhere (an event loop) on a virtual thread of its own.
            if (start) announceSoon(c.userId(), s, Thread.currentThread().isVirtual());
            return;
        }
    }

    @Override
    public void closed(Connection c) {
        UserState s = users.get(c.userId());
        if (s == null) return;
        boolean start;
        synchronized (s) {
            boolean removed = s.away.remove(c) != null;
            if (removed && s.away.isEmpty()) s.lastSeenAt = clock.millis();
            start = removed && changed(c.userId(), s);
        }
        if (start) announceSoon(c.userId(), s, false);
    }

    /** The {@code presence} frame: sets the state of the connection that sent it. */
    public void set(Caller caller, Connection origin, String state) {
        if (!ONLINE.equals(state) && !AWAY.equals(state)) throw ParleyException.invalid("Field 'state' must be 'online' or 'away'.");
        UserState s = users.get(caller.userId());
        if (s == null || origin == null) return;
        boolean start = false;
        synchronized (s) {
            if (s.away.containsKey(origin)) {
                s.away.put(origin, AWAY.equals(state));
                start = changed(caller.userId(), s);
            }
        }
        if (start) announceSoon(caller.userId(), s, true);
    }

    /** The current state, whatever the visibility setting (callers apply it). */
    public String stateOf(long userId) {
        UserState s = users.get(userId);
        if (s == null) return OFFLINE;
        synchronized (s) {
            // Within the offline grace the user is still what friends were told (see announceChanges).
            return s.away.isEmpty() && s.announcing ? s.announced : s.state();
        }
    }

    /** Tells friends at once: {@code offline} without a time for {@code nobody}, the current state for {@code friends}. */
    @EventListener
    public void onVisibilityChanged(PresenceVisibilityChanged e) {
        announce(e.userId(), stateOf(e.userId()), true); // on the request's virtual thread: the answer follows the push
    }

    /**
     * Under the user's lock: true when the caller must start the announcer (none is running; a running one picks up
     * this change itself).
     */
    private boolean changed(long userId, UserState s) {
        if (s.announcing || s.state().equals(s.announced)) {
            dropIfIdle(userId, s);
            return false;
        }
        s.announcing = true;
        return true;
    }

    private void announceSoon(long userId, UserState s, boolean here) {
        if (here) {
            announceChanges(userId, s);
            return;
        }
        try {
            blocking.run(() -> announceChanges(userId, s));
        } catch (RejectedExecutionException e) {
            // Shutting down: connections close after the executor; nobody is left to tell.
            log.debug("Presence of user {} not announced: shutting down", userId);
        }
    }

    private void dropIfIdle(long userId, UserState s) {
        if (!s.announcing && s.away.isEmpty() && OFFLINE.equals(s.announced)) {
            s.dropped = true;
            users.remove(userId, s);
        }
    }

    /**
     * Announces the user's state until it stops changing. Going offline waits {@code parley.presence.offline-grace} after the
     * last connection closed: a client that reconnects within it (a phone switching networks, a server restart, a
     * reconnect storm) changes nothing for its friends and costs no write and no push.
     */
    private void announceChanges(long userId, UserState s) {
        while (true) {
            String next;
            long seenAt;
            synchronized (s) {
                next = s.state();
                if (next.equals(s.announced)) {
                    s.announcing = false;
                    dropIfIdle(userId, s);
                    return;
                }
                long wait = OFFLINE.equals(next) ? s.lastSeenAt + offlineGrace.toMillis() - clock.millis() : 0;
                if (wait > 0) { // still announcing: changes meanwhile are picked up when it runs again
                    later(userId, s, wait);
                    return;
                }
                s.announced = next;
                seenAt = s.lastSeenAt;
            }
            if (OFFLINE.equals(next)) {
                try {
                    db.write(tx -> tx.update("UPDATE users SET last_seen_at = ? WHERE id = ?", seenAt, userId));
                } catch (RuntimeException e) {
                    log.debug("Could not store last seen of user {}", userId, e);
                }
            }
            announce(userId, next, false);
        }
    }

    private void later(long userId, UserState s, long delayMillis) {
        try {
            CompletableFuture.delayedExecutor(delayMillis, TimeUnit.MILLISECONDS, blocking.executor())
                    .execute(() -> announceChanges(userId, s));
        } catch (RejectedExecutionException e) {
            log.debug("Presence of user {} not announced: shutting down", userId);
        }
    }

    private record Audience(String visibility, Long lastSeenAt, List<Long> friends) {}

    /** {@code always}: push even for {@code nobody} (the offline that hides them); otherwise such users stay silent. */
    private void announce(long userId, String state, boolean always) {
        try {
            Audience a = db.read(tx -> {
                record U(String visibility, Long lastSeenAt) {}
                U u = tx.queryOne("SELECT presence_visibility, last_seen_at FROM users WHERE id = ?",
                        rs -> new U(rs.getString(1), Tx.nullableLong(rs, 2)), userId).orElse(new U("nobody", null));
                return new Audience(u.visibility(), u.lastSeenAt(), relationships.friendIds(tx, userId));
            });
            if ("nobody".equals(a.visibility()) && !always) return;
            View v = "nobody".equals(a.visibility()) ? new View(userId, OFFLINE, null)
                    : new View(userId, state, OFFLINE.equals(state) ? a.lastSeenAt() : null);
            delivery.toUsers(a.friends(), new Push("presence", v));
        } catch (RuntimeException e) {
            // Best effort, like every push; at shutdown the database may already be gone.
            log.debug("Could not announce the presence of user {}", userId, e);
        }
    }
}
