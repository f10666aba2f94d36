package dev.parley.gateway.internal;

import dev.parley.platform.ParleyProperties;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.support.WebSocketHandlerAdapter;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;
import reactor.netty.http.server.WebsocketServerSpec;

@Configuration(proxyBeanMethods = false)
@EnableScheduling
class GatewaySetup {
    /**
     * Frames up to {@link #HARD_FRAME_LIMIT} are read and, when over the documented limit, answered with a
     * {@code frame_too_large} error (the connection survives); larger ones break the framing and close with 1009.
     */
    static final int HARD_FRAME_LIMIT = 1024 * 1024;

    /**
     * Whether an inbound error means a message over {@link #HARD_FRAME_LIMIT}: one frame too long (the decoder) or
     * fragments adding up to too much (the aggregator; clients such as the JDK's split long messages into frames).
     */
    static boolean isOverHardLimit(Throwable e) {
        if (e instanceof CorruptedWebSocketFrameException c) {
            return c.closeStatus() != null && c.closeStatus().code() == WebSocketCloseStatus.MESSAGE_TOO_BIG.code();
        }
        return e instanceof TooLongFrameException;
    }

    @Bean
    HandlerMapping webSocketMapping(WebSocketGateway gateway) {
        return new SimpleUrlHandlerMapping(Map.of("/ws", gateway), -1);
    }

    /**
     * Pings are handed to the gateway ({@code handlePing(true)}) rather than answered inside Reactor Netty, which
     * would swallow them: a client that keeps its connection alive with protocol-level pings must count as active.
     */
    @Bean
    WebSocketHandlerAdapter webSocketHandlerAdapter(ParleyProperties props) {
        int hard = Math.max(HARD_FRAME_LIMIT, props.limits().maxFrameBytes());
        var strategy = new ReactorNettyRequestUpgradeStrategy(() -> WebsocketServerSpec.builder().maxFramePayloadLength(hard).handlePing(true));
        return new WebSocketHandlerAdapter(new HandshakeWebSocketService(strategy));
    }
}
