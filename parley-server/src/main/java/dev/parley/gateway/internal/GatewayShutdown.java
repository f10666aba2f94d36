package dev.parley.gateway.internal;

import dev.parley.delivery.CloseReason;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * On shutdown, tells every client the server is going away (1001) before the web server's graceful shutdown
 * starts waiting for open requests. WebSockets and waiting long-polls never end on their own, so without this
 * every shutdown would sit out the whole grace period and then drop clients without a close frame.
 */
@Component
class GatewayShutdown implements SmartLifecycle {
    private final ConnectionRegistry webSockets;
    private final LongPollGateway longPolls;
    private volatile boolean running;

    GatewayShutdown(ConnectionRegistry webSockets, LongPollGateway longPolls) {
        this.webSockets = webSockets;
        this.longPolls = longPolls;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        webSockets.closeAll(CloseReason.GOING_AWAY);
        longPolls.closeAll(CloseReason.GOING_AWAY);
    }

    @Override
    public boolean isRunning() { return running; }

    /** Stops before (higher phase than) the graceful shutdown of the web server. */
    @Override
    public int getPhase() { return WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE + 1; }
}
