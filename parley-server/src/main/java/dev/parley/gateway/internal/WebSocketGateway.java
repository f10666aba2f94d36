package dev.parley.gateway.internal;

import dev.parley.account.AccessTokens;
import dev.parley.account.Caller;
import dev.parley.delivery.CloseReason;
import dev.parley.delivery.Delivery;
import dev.parley.delivery.Push;
import dev.parley.platform.Blocking;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.ParleyException;
import dev.parley.platform.ParleyProperties;
import dev.parley.platform.RateLimits;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import reactor.netty.channel.ChannelOperations;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The WebSocket transport at {@code /ws} (ADR 0013): a Netty handler placed right after Reactor Netty's HTTP codec
 * on every connection of the one server (see {@link GatewaySetup}). Every other request passes through untouched
 * to WebFlux. An upgrade request to {@code /ws} is taken over here: Reactor Netty's HTTP handlers leave the
 * connection, Netty's RFC 6455 handshaker answers 101, and a {@link WebSocketConnection} becomes the connection's
 * only handler of our own. The access token comes as {@code Authorization: Bearer} or as {@code ?access_token=}
 * (RFC 6750 §2.3; browsers cannot set headers on a WebSocket); it is checked after the upgrade, on a virtual
 * thread, and a bad one gets an error frame and close 4401. After that the transport only decodes and encodes.
 */
@Component
@ChannelHandler.Sharable
class WebSocketGateway extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(WebSocketGateway.class);
    static final String PATH = "/ws";
    /** Names of our handlers in the channel pipeline. */
    static final String UPGRADE_HANDLER = "parley.webSocketUpgrade";
    static final String CONNECTION_HANDLER = "parley.webSocket";

    final Delivery delivery;
    final FrameHandling frames;
    final ConnectionRegistry registry;
    final Blocking blocking;
    final JsonMapper json;
    final Clock clock;
    private final AccessTokens tokens;
    private final ParleyProperties props;
    private final RateLimits rateLimits;
    private final WebSocketServerHandshakerFactory handshakers;
    /** Messages (a fragmented one added up) over this close the connection with 1009. */
    final int hardFrameLimit;
    /** Bytes written and not yet sent past which a connection is closed as too slow (4429). */
    final long maxQueuedBytes;

    WebSocketGateway(AccessTokens tokens, Delivery delivery, FrameHandling frames, ConnectionRegistry registry,
                     Blocking blocking, JsonMapper json, Clock clock, ParleyProperties props, RateLimits rateLimits,
                     ConnectionSettings settings) {
        this.tokens = tokens;
        this.rateLimits = rateLimits;
        this.delivery = delivery;
        this.frames = frames;
        this.registry = registry;
        this.blocking = blocking;
        this.json = json;
        this.clock = clock;
        this.props = props;
        this.maxQueuedBytes = settings.maxQueuedBytes().toBytes();
        this.hardFrameLimit = Math.max(GatewaySetup.HARD_FRAME_LIMIT, props.limits().maxFrameBytes());
        // No extensions (permessage-deflate is not offered: it would cost a compressor per connection), masked
        // frames only (RFC 6455 §5.1), and Netty closes the connection itself on a protocol violation: 1009 for a
        // frame over the hard limit, 1002 for the rest. Text is decoded as the old transport did (no UTF-8
        // validator handler per connection).
        WebSocketDecoderConfig decoder = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(hardFrameLimit)
                .allowExtensions(false)
                .expectMaskedFrames(true)
                .allowMaskMismatch(false)
                .closeOnProtocolViolation(true)
                .withUTF8Validator(false)
                .build();
        this.handshakers = new WebSocketServerHandshakerFactory(PATH, null, decoder);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ArrayDeque<Object> held = ctx.channel().attr(HELD).get();
        if (held != null) { // behind an upgrade that waits for the answer before it to be done
            held.add(msg);
            return;
        }
        if (msg instanceof HttpRequest req && req.decoderResult().isSuccess() && isWebSocketPath(req.uri())) {
            ChannelOperations<?, ?> previous = ChannelOperations.get(ctx.channel());
            if (previous == null) {
                upgrade(ctx, req);
                return;
            }
            // The answer before it is out or on its way, and Reactor Netty lets go of the connection in a task
            // queued after it: hold the upgrade (and what follows it) and look again until the connection is free,
            // so the 101 never cuts that answer off. A client that read the answer may send its upgrade before
            // that task has run (a disposed operation is not enough: under load the task can come later still).
            held = new ArrayDeque<>();
            held.add(msg);
            ctx.channel().attr(HELD).set(held);
            lookAgain(ctx, UPGRADE_RECHECKS);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    /**
     * Times a held upgrade looks again for the connection to be free before it goes on as an HTTP request (and
     * ends as a 404): at once for the first {@link #UPGRADE_RECHECKS_AT_ONCE}, then every millisecond, about 2 s in
     * all, for an answer still being computed.
     */
    static final int UPGRADE_RECHECKS = 2_000;
    static final int UPGRADE_RECHECKS_AT_ONCE = 16;
    private static final AttributeKey<ArrayDeque<Object>> HELD = AttributeKey.valueOf("parley.heldUpgrade");

    private void lookAgain(ChannelHandlerContext ctx, int left) {
        Runnable look = () -> {
            Channel ch = ctx.channel();
            ArrayDeque<Object> held = ch.attr(HELD).get();
            if (held == null) return;
            if (!ch.isActive()) {
                ch.attr(HELD).set(null);
                held.forEach(ReferenceCountUtil::release);
                return;
            }
            if (ChannelOperations.get(ch) == null) {
                ch.attr(HELD).set(null);
                upgrade(ctx, (HttpRequest) held.poll());
                // What came after the request head is its (empty) end, which the upgrade has no use for: a client
                // sends nothing else before the 101 (RFC 6455 §4.1).
                held.forEach(ReferenceCountUtil::release);
            } else if (left > 1) {
                lookAgain(ctx, left - 1);
            } else {
                ch.attr(HELD).set(null);
                for (Object m : held) ctx.fireChannelRead(m);
            }
        };
        if (UPGRADE_RECHECKS - left < UPGRADE_RECHECKS_AT_ONCE) ctx.executor().execute(look);
        else ctx.executor().schedule(look, 1, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** {@code /ws}, with or without a query; also in absolute form (RFC 9112 §3.2.2). */
    static boolean isWebSocketPath(String uri) {
        int start = 0;
        if (!uri.startsWith("/")) {
            int scheme = uri.indexOf("://");
            if (scheme < 0) return false;
            start = uri.indexOf('/', scheme + 3);
            if (start < 0) return false;
        }
        if (!uri.startsWith(PATH, start)) return false;
        int end = start + PATH.length();
        return end == uri.length() || uri.charAt(end) == '?' || uri.charAt(end) == '#';
    }

    private void upgrade(ChannelHandlerContext ctx, HttpRequest req) {
        Channel ch = ctx.channel();
        ChannelPipeline p = ch.pipeline();
        // From here on this connection is ours: Reactor Netty's HTTP handlers after this one (request tracking,
        // access log, compression, the bridge into WebFlux) would otherwise see the handshake response.
        List<String> names = p.names();
        for (String name : names.subList(names.indexOf(ctx.name()) + 1, names.size())) {
            if (p.context(name) != null) p.remove(name);
        }
        if (!HttpMethod.GET.equals(req.method())) {
            refuseHttp(ch, HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed", "The WebSocket is opened with GET.");
            return;
        }
        if (!req.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
            refuseHttp(ch, HttpResponseStatus.BAD_REQUEST, "bad_request", "Expected a WebSocket upgrade (Upgrade: websocket).");
            return;
        }
        WebSocketServerHandshaker handshaker = handshakers.newHandshaker(req);
        if (handshaker == null || handshaker.version() != WebSocketVersion.V13) {
            // RFC 6455 §4.4: say which version we speak.
            FullHttpResponse r = errorResponse(HttpResponseStatus.UPGRADE_REQUIRED, "bad_request", "Only WebSocket version 13 (RFC 6455) is supported.");
            r.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, WebSocketVersion.V13.toHttpHeaderValue());
            ch.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (!isNonce(req.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_KEY))) {
            refuseHttp(ch, HttpResponseStatus.BAD_REQUEST, "bad_request", "Sec-WebSocket-Key must be one base64-encoded 16-byte value.");
            return;
        }
        String token = token(req);
        WebSocketConnection conn = new WebSocketConnection(this, ch);
        p.replace(this, CONNECTION_HANDLER, conn);
        // Nothing is read until the token is checked; frames the client sends meanwhile wait in the socket.
        ch.config().setAutoRead(false);
        // The codec has emitted the request head only; its (empty) end follows and is dropped by the connection.
        var full = new DefaultFullHttpRequest(req.protocolVersion(), req.method(), req.uri(), Unpooled.EMPTY_BUFFER,
                req.headers(), EmptyHttpHeaders.INSTANCE);
        try {
            handshaker.handshake(ch, full, null, ch.newPromise()).addListener(done -> {
                if (done.isSuccess()) {
                    blocking.run(() -> authenticate(conn, token));
                } else {
                    ch.close();
                }
            });
        } catch (WebSocketHandshakeException e) { // a header RFC 6455 §4.2.1 requires is missing or wrong
            refuseHttp(ch, HttpResponseStatus.BAD_REQUEST, "bad_request", "Not a valid WebSocket upgrade request.");
        }
    }

    /**
     * RFC 6455 §4.1 and §4.2.1: the key is one header whose value is a randomly selected 16-byte nonce, base64
     * encoded (24 characters, ending in {@code ==}); anything else is not a WebSocket handshake.
     */
    static boolean isNonce(List<String> keys) {
        if (keys.size() != 1) return false;
        String key = keys.get(0).trim();
        if (key.length() != 24 || !key.endsWith("==")) return false;
        try {
            return Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** On a virtual thread: the token check reads the device session. */
    private void authenticate(WebSocketConnection conn, String token) {
        Caller caller;
        try {
            caller = tokens.verify(token);
        } catch (ParleyException e) {
            conn.refuse(e, CloseReason.UNAUTHORIZED);
            return;
        } catch (RuntimeException e) {
            log.error("Could not check a WebSocket's access token", e);
            conn.refuse(new ParleyException(ErrorCode.INTERNAL), CloseReason.INTERNAL_ERROR);
            return;
        }
        if (registry.shuttingDown()) {
            conn.close(CloseReason.GOING_AWAY);
            return;
        }
        switch (registry.tryReserve(caller)) {
            case ADMITTED -> { }
            case SERVER_FULL -> {
                conn.refuse(new ParleyException(ErrorCode.SERVER_FULL), CloseReason.SERVER_FULL);
                return;
            }
            case TOO_MANY_FOR_USER, TOO_MANY_FOR_SESSION -> {
                conn.refuse(new ParleyException(ErrorCode.TOO_MANY_CONNECTIONS), CloseReason.TOO_MANY_CONNECTIONS);
                return;
            }
        }
        conn.open(caller, new Push("hello", hello(caller)));
    }

    private Hello hello(Caller caller) {
        return new Hello(caller.userId(), caller.sessionId(), clock.millis(),
                props.websocket().heartbeatInterval().toSeconds(), props.websocket().idleTimeout().toSeconds(),
                props.limits().maxFrameBytes(), rateLimits.framesPerSecond(), rateLimits.frameBurst());
    }

    private static String token(HttpRequest req) {
        String header = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) return header.substring(7);
        List<String> values = new QueryStringDecoder(req.uri()).parameters().get("access_token");
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** An HTTP answer in the API's error shape ({@code {code, message}}), then the connection is closed. */
    private static void refuseHttp(Channel ch, HttpResponseStatus status, String code, String message) {
        ch.writeAndFlush(errorResponse(status, code, message)).addListener(ChannelFutureListener.CLOSE);
    }

    private static FullHttpResponse errorResponse(HttpResponseStatus status, String code, String message) {
        byte[] body = ("{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8);
        var r = new DefaultFullHttpResponse(io.netty.handler.codec.http.HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return r;
    }
}
