package dev.parley.gateway.internal;

import io.netty.channel.ChannelPipeline;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import reactor.netty.NettyPipeline;

@Configuration(proxyBeanMethods = false)
@EnableScheduling
class GatewaySetup {
    /**
     * Frames up to {@link #HARD_FRAME_LIMIT} are read and, when over the documented limit, answered with a
     * {@code frame_too_large} error (the connection survives); larger ones break the framing and close with 1009.
     */
    static final int HARD_FRAME_LIMIT = 1024 * 1024;

    /**
     * Puts the WebSocket upgrade handler right after the HTTP codec of every connection of the Reactor Netty server
     * that also serves WebFlux (ADR 0013): {@code /ws} upgrades are taken over there, everything else goes on to
     * WebFlux. Spring Boot applies {@link NettyServerCustomizer} beans to the server it builds; the configurer runs
     * after Reactor Netty's own (TLS, HTTP codec), so the codec is in place. A connection without an HTTP/1.1 codec
     * (HTTP/2, not enabled) is left alone.
     */
    @Bean
    NettyServerCustomizer webSocketRoute(WebSocketGateway gateway) {
        return server -> server.doOnChannelInit((observer, channel, remote) -> {
            ChannelPipeline p = channel.pipeline();
            if (p.get(NettyPipeline.HttpCodec) != null) p.addAfter(NettyPipeline.HttpCodec, WebSocketGateway.UPGRADE_HANDLER, gateway);
        });
    }
}
