package dev.parley.gateway.internal;

import dev.parley.account.AccessTokens;
import dev.parley.account.Caller;
import dev.parley.delivery.CloseReason;
import dev.parley.delivery.Delivery;
import dev.parley.delivery.Push;
import dev.parley.platform.ApiError;
import dev.parley.platform.Blocking;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.ParleyException;
import dev.parley.platform.ParleyProperties;
import dev.parley.platform.TokenBucket;
import java.time.Clock;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The WebSocket transport at {@code /ws}: authenticates at the handshake, then only decodes and encodes.
 * The access token comes as {@code ?access_token=} (RFC 6750 §2.3; browsers cannot set headers on a WebSocket)
 * or as {@code Authorization: Bearer}. Inbound frames of one connection are handled one at a time, in order,
 * on virtual threads.
 */
@Component
class WebSocketGateway implements WebSocketHandler {
    /** Markers (compared by identity) for frames that carry no command. */
    private static final String CONTROL = new String("control");
    private static final String BINARY = new String("binary");

    private final AccessTokens tokens;
    private final Delivery delivery;
    private final FrameHandling frames;
    private final ConnectionRegistry registry;
    private final Blocking blocking;
    private final JsonMapper json;
    private final Clock clock;
    private final ParleyProperties props;

    WebSocketGateway(AccessTokens tokens, Delivery delivery, FrameHandling frames, ConnectionRegistry registry,
                     Blocking blocking, JsonMapper json, Clock clock, ParleyProperties props) {
        this.tokens = tokens;
        this.delivery = delivery;
        this.frames = frames;
        this.registry = registry;
        this.blocking = blocking;
        this.json = json;
        this.clock = clock;
        this.props = props;
    }

    @Override
    public Mono<Void> handle(WebSocketSession ws) {
        String token = token(ws);
        return blocking.call(() -> tokens.verify(token))
                .flatMap(caller -> serve(ws, caller))
                .onErrorResume(ParleyException.class, e -> refuse(ws, e, CloseReason.UNAUTHORIZED));
    }

    private Mono<Void> serve(WebSocketSession ws, Caller caller) {
        if (registry.shuttingDown()) {
            return ws.close(new CloseStatus(CloseReason.GOING_AWAY.code(), CloseReason.GOING_AWAY.reason()));
        }
        if (!registry.tryReserve()) {
            return refuse(ws, new ParleyException(ErrorCode.SERVER_FULL), CloseReason.SERVER_FULL);
        }
        var limits = props.limits();
        WebSocketConnection conn = new WebSocketConnection(caller, ws, json,
                new TokenBucket(limits.framesPerSecond(), limits.frameBurst()), clock.millis());
        registry.add(conn);
        delivery.register(conn);
        conn.send(new Push("hello", hello(caller)));

        // Copy each frame out of its Netty buffer as it arrives (the buffer is released after onNext),
        // then handle frames one at a time, in order.
        Mono<Void> inbound = ws.receive()
                .map(msg -> {
                    conn.lastInboundAt = clock.millis();
                    return switch (msg.getType()) {
                        case TEXT -> msg.getPayloadAsText();
                        case PING -> {
                            conn.pong(bytes(msg)); // RFC 6455 §5.5.2: answer with the same application data
                            yield CONTROL;
                        }
                        case PONG -> CONTROL;
                        case BINARY -> BINARY;
                    };
                })
                .concatMap(text -> {
                    if (text == CONTROL) return Mono.empty();
                    if (text == BINARY) return Mono.just(Dispatcher.error(null, new ParleyException(ErrorCode.UNSUPPORTED_FRAME)));
                    return blocking.call(() -> frames.handle(caller, conn, conn.rate, text));
                }, 1) // prefetch 1: frames wait in Netty's buffers, not in a 32-slot queue on every idle connection
                .doOnNext(conn::send)
                .onErrorResume(GatewaySetup::isOverHardLimit, e -> {
                    // Left alone, the failed inbound stream would end the session with 1002 (protocol error).
                    conn.close(CloseReason.FRAME_TOO_LARGE);
                    return Mono.empty();
                })
                .then();
        Mono<Void> outbound = ws.send(Flux.merge(
                conn.outbound().map(ws::textMessage),
                conn.pongs().map(p -> ws.pongMessage(f -> f.wrap(p)))));
        return Mono.when(inbound.doFinally(s -> conn.markClosed()), outbound)
                .doFinally(s -> {
                    delivery.unregister(conn);
                    registry.remove(conn);
                });
    }

    private Hello hello(Caller caller) {
        return new Hello(caller.userId(), caller.sessionId(), clock.millis(),
                props.websocket().heartbeatInterval().toSeconds(), props.websocket().idleTimeout().toSeconds(),
                props.limits().maxFrameBytes());
    }

    /** Sends one error frame, then closes with the reason's code. */
    private Mono<Void> refuse(WebSocketSession ws, ParleyException e, CloseReason reason) {
        String frame = new Push("error", null, ApiError.of(e)).json(json);
        return ws.send(Mono.just(ws.textMessage(frame)))
                .then(ws.close(new CloseStatus(reason.code(), reason.reason())));
    }

    private static byte[] bytes(WebSocketMessage msg) {
        DataBuffer b = msg.getPayload();
        byte[] out = new byte[b.readableByteCount()];
        b.read(out);
        return out;
    }

    private static String token(WebSocketSession ws) {
        var info = ws.getHandshakeInfo();
        String header = info.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) return header.substring(7);
        return UriComponentsBuilder.fromUri(info.getUri()).build().getQueryParams().getFirst("access_token");
    }
}
