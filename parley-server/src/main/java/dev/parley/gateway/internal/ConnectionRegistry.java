package dev.parley.gateway.internal;

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
 * This node's WebSocket connections: enforces the connection limit (a client past it is refused with 4503, not
 * left to fail on a file-descriptor error) and closes connections idle past the idle timeout (4408). On shutdown
 * it closes all of them as going away (1001).
 */
@Component
class ConnectionRegistry {
    private static final Logger log = LoggerFactory.getLogger(ConnectionRegistry.class);
    private final Set<WebSocketConnection> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger reserved = new AtomicInteger();
    private final int max;
    private final long idleMillis;
    private final Clock clock;
    private volatile boolean shuttingDown;

    ConnectionRegistry(ParleyProperties props, Clock clock) {
        this.max = props.limits().maxConnections();
        this.idleMillis = props.websocket().idleTimeout().toMillis();
        this.clock = clock;
    }

    boolean shuttingDown() { return shuttingDown; }

    /** From now on newcomers are turned away; every open connection is told the server is going away. */
    void closeAll(CloseReason reason) {
        shuttingDown = true;
        for (WebSocketConnection c : open) c.close(reason);
    }

    boolean tryReserve() {
        if (reserved.incrementAndGet() > max) {
            reserved.decrementAndGet();
            return false;
        }
        return true;
    }

    void add(WebSocketConnection c) {
        open.add(c);
        if (shuttingDown) c.close(CloseReason.GOING_AWAY); // slipped in while closeAll ran
    }

    void remove(WebSocketConnection c) {
        if (open.remove(c)) reserved.decrementAndGet();
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
