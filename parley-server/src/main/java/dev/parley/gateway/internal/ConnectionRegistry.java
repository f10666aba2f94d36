package dev.parley.gateway.internal;

import dev.parley.account.Caller;
import dev.parley.delivery.CloseReason;
import dev.parley.platform.ParleyProperties;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * This node's WebSocket connections, and the connection counts of the node, of each user and of each device session
 * (WebSockets and long-poll sessions together): a client past the node's limit is refused with 4503, not left to
 * fail on a file-descriptor error, and past its user's or device session's limit with 4409, so that one account
 * cannot take the whole node. It also closes WebSockets idle past the idle timeout (4408). On shutdown
 * it closes all of them as going away (1001).
 */
@Component
class ConnectionRegistry {
    private static final Logger log = LoggerFactory.getLogger(ConnectionRegistry.class);
    private final Set<WebSocketConnection> open = ConcurrentHashMap.newKeySet();
    /** Places taken in the node's limit: WebSockets and long-poll sessions. */
    private final AtomicInteger reserved = new AtomicInteger();
    private final ConcurrentHashMap<Long, Integer> perUser = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, Integer> perSession = new ConcurrentHashMap<>();
    private final int max;
    private final int maxPerUser;
    private final int maxPerSession;
    private final long idleMillis;
    private final Clock clock;
    private volatile boolean shuttingDown;

    ConnectionRegistry(ParleyProperties props, ConnectionSettings settings, Clock clock) {
        this.max = props.limits().maxConnections();
        this.maxPerUser = settings.maxPerUser();
        this.maxPerSession = settings.maxPerSession();
        this.idleMillis = props.websocket().idleTimeout().toMillis();
        this.clock = clock;
    }

    boolean shuttingDown() { return shuttingDown; }

    /** From now on newcomers are turned away; every open connection is told the server is going away. */
    void closeAll(CloseReason reason) {
        shuttingDown = true;
        for (WebSocketConnection c : open) c.close(reason);
    }

    /** Whether one more connection of a caller is allowed; anything but {@link #ADMITTED} names the limit it hit. */
    enum Admission { ADMITTED, SERVER_FULL, TOO_MANY_FOR_USER, TOO_MANY_FOR_SESSION }

    /**
     * Takes a place for one more connection (WebSocket or long-poll session) of {@code caller}: in the node's
     * limit, the user's and the device session's. Per connection opened, never per frame. Give it back with
     * {@link #release} when that connection ends.
     */
    Admission tryReserve(Caller caller) {
        if (reserved.incrementAndGet() > max) {
            reserved.decrementAndGet();
            return Admission.SERVER_FULL;
        }
        if (!take(perUser, caller.userId(), maxPerUser)) {
            reserved.decrementAndGet();
            return Admission.TOO_MANY_FOR_USER;
        }
        if (!take(perSession, caller.sessionId(), maxPerSession)) {
            give(perUser, caller.userId());
            reserved.decrementAndGet();
            return Admission.TOO_MANY_FOR_SESSION;
        }
        return Admission.ADMITTED;
    }

    void release(Caller caller) {
        give(perSession, caller.sessionId());
        give(perUser, caller.userId());
        reserved.decrementAndGet();
    }

    private static boolean take(ConcurrentHashMap<Long, Integer> counts, long key, int max) {
        boolean[] taken = {false};
        counts.compute(key, (k, n) -> {
            int now = n == null ? 0 : n;
            if (now >= max) return n;
            taken[0] = true;
            return now + 1;
        });
        return taken[0];
    }

    private static void give(ConcurrentHashMap<Long, Integer> counts, long key) {
        counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }

    void add(WebSocketConnection c) {
        open.add(c);
        if (shuttingDown) c.close(CloseReason.GOING_AWAY); // slipped in while closeAll ran
    }

    void remove(WebSocketConnection c) {
        if (open.remove(c)) release(c.caller());
    }

    int size() { return open.size(); }

    /** On shutdown, tell clients to go elsewhere (1001) rather than let the graceful shutdown wait on them. */
    @EventListener(ContextClosedEvent.class)
    void closeAll() {
        for (WebSocketConnection c : open) c.close(CloseReason.GOING_AWAY);
    }

    @Scheduled(fixedDelayString = "${parley.websocket.sweep-interval:5s}")
    void closeIdle() {
        long cutoff = clock.millis() - idleMillis;
        int n = 0;
        for (WebSocketConnection c : open) {
            if (c.lastInboundAt < cutoff && !c.isClosed()) {
                c.close(CloseReason.IDLE_TIMEOUT);
                n++;
            }
        }
        if (n > 0) log.debug("Closed {} idle connections", n);
    }
}
