package dev.parley.gateway.internal;

import dev.parley.platform.ParleyProperties;
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

    @Bean
    HandlerMapping webSocketMapping(WebSocketGateway gateway) {
        return new SimpleUrlHandlerMapping(Map.of("/ws", gateway), -1);
    }

    @Bean
    WebSocketHandlerAdapter webSocketHandlerAdapter(ParleyProperties props) {
        int hard = Math.max(HARD_FRAME_LIMIT, props.limits().maxFrameBytes());
        var strategy = new ReactorNettyRequestUpgradeStrategy(() -> WebsocketServerSpec.builder().maxFramePayloadLength(hard));
        return new WebSocketHandlerAdapter(new HandshakeWebSocketService(strategy));
    }
}
