package dev.parley.gateway.internal;

import dev.parley.platform.ThrottledLog;
import io.netty.channel.ChannelPipeline;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import reactor.netty.NettyPipeline;

@Configuration(proxyBeanMethods = false)
@EnableScheduling
@EnableConfigurationProperties(ConnectionSettings.class)
class GatewaySetup {
    /**
     * Frames up to {@link #HARD_FRAME_LIMIT} are read and, when over the documented limit, answered with a
     * {@code frame_too_large} error (the connection survives); larger ones break the framing and close with 1009.
     */
    static final int HARD_FRAME_LIMIT = 1024 * 1024;

    /**
     * Every accepted connection is first counted against its address's cap (and closed at once past it). Then the
     * WebSocket upgrade handler goes right after the HTTP codec of every connection of the Reactor Netty server
     * that also serves WebFlux (ADR 0013): {@code /ws} upgrades are taken over there, everything else goes on to
     * WebFlux; the HTTP guard (timeouts, undecodable requests) follows it, so that an upgrade removes them with the rest of the HTTP handlers.
     * Spring Boot applies {@link NettyServerCustomizer} beans to the server it builds; the configurer runs after
     * Reactor Netty's own (TLS, HTTP codec), so the codec is in place. A connection without an HTTP/1.1 codec
     * (HTTP/2, not enabled) is left alone.
     */
    @Bean
    NettyServerCustomizer webSocketRoute(WebSocketGateway gateway, ConnectionsPerAddress perAddress, ConnectionSettings settings) {
        HttpConnectionGuard.Limits timeouts = new HttpConnectionGuard.Limits(settings.headerTimeout().toNanos(),
                settings.keepAliveTimeout().toNanos(), settings.readTimeout().toNanos(),
                new ThrottledLog(LoggerFactory.getLogger(HttpConnectionGuard.class), 10_000));
        return server -> server.doOnChannelInit((observer, channel, remote) -> {
            if (!perAddress.admit(channel)) return;
            ChannelPipeline p = channel.pipeline();
            if (p.get(NettyPipeline.HttpCodec) != null) {
                p.addAfter(NettyPipeline.HttpCodec, WebSocketGateway.UPGRADE_HANDLER, gateway);
                p.addAfter(WebSocketGateway.UPGRADE_HANDLER, HttpConnectionGuard.NAME, new HttpConnectionGuard(timeouts));
            }
        });
    }
}
