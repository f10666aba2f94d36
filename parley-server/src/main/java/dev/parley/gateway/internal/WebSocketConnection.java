package dev.parley.gateway.internal;

import dev.parley.account.Caller;
import dev.parley.delivery.CloseReason;
import dev.parley.delivery.Connection;
import dev.parley.delivery.Push;
import dev.parley.platform.ApiError;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.ParleyException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket: the Netty handler of its channel and the {@link Connection} that {@code delivery} sees, in one
 * small object (an idle connection holds this, its token bucket and its caller; no queue, timer or stream).
 * <p>Inbound: text frames (fragmented ones added up to the hard limit) are handled one at a time, in order, on a
 * virtual thread by {@link FrameHandling}; while one is being handled the channel stops reading, so further frames
 * wait in the socket rather than in memory here. Outbound: frames go straight to the channel; past
 * {@link #MAX_QUEUED} frames or {@code parley.connections.max-queued-bytes} bytes not yet written to the socket
 * the client is too slow and is closed (4429): it reconnects and syncs, which is cheaper than buffering without
 * bound.
 */
final class WebSocketConnection extends ChannelInboundHandlerAdapter implements Connection, ChannelFutureListener {
    private static final Logger log = LoggerFactory.getLogger(WebSocketConnection.class);
    static final int MAX_QUEUED = 1024;
    /** How long a closing connection may take to write what is queued and the close frame before it is dropped. */
    static final long CLOSE_GRACE_SECONDS = 10;
    /** Marker (compared by identity) for a binary message in the inbound queue. */
    private static final String BINARY = new String("binary");
    private static final Push UNSUPPORTED = Dispatcher.error(null, new ParleyException(ErrorCode.UNSUPPORTED_FRAME));
    private static final AtomicIntegerFieldUpdater<WebSocketConnection> QUEUED =
            AtomicIntegerFieldUpdater.newUpdater(WebSocketConnection.class, "queued");
    private static final AtomicIntegerFieldUpdater<WebSocketConnection> CLOSED =
            AtomicIntegerFieldUpdater.newUpdater(WebSocketConnection.class, "closed");
    private static final byte NONE = 0, TEXT = 1, BIN = 2;

    private final WebSocketGateway gateway;
    private final Channel channel;
    /** Set once the token is checked (before the connection is registered anywhere). */
    private volatile Caller caller;
    volatile long lastInboundAt;
    /** Frames written to the channel and not yet to the socket. */
    private volatile int queued;
    /** 1 once a close frame was sent or the channel went away: nothing more is sent. */
    private volatile int closed;
    private volatile boolean inactive;
    private volatile boolean helloSent;
    /** Pushes that came between registration and hello; guarded by this. */
    private List<Push> early;

    // Inbound queue; guarded by this. busy: a virtual thread is handling frames (or the token is being checked).
    private ArrayDeque<String> pending;
    private boolean busy = true;
    private boolean readPaused = true;

    // Event loop only.
    private CompositeByteBuf fragments;
    private int fragmentBytes;
    private byte fragmentKind = NONE;
    private boolean pongPending;

    WebSocketConnection(WebSocketGateway gateway, Channel channel) {
        this.gateway = gateway;
        this.channel = channel;
    }

    Caller caller() { return caller; }

    @Override
    public long userId() { return caller.userId(); }

    @Override
    public long sessionId() { return caller.sessionId(); }

    // ------------------------------------------------------------------ lifecycle

    /** The token is good and a slot is reserved: register, say hello, start reading. On a virtual thread. */
    void open(Caller caller, Push hello) {
        this.caller = caller;
        this.lastInboundAt = gateway.clock.millis();
        gateway.registry.add(this);
        // Registered before hello, so that a client that has its hello gets every push from then on. Registering
        // runs the connection listeners (presence announces to friends, who may be opening at this very moment),
        // so no lock is held across it: pushes that race it are parked in early and follow hello in order.
        gateway.delivery.register(this);
        synchronized (this) {
            write(hello);
            if (early != null) early.forEach(this::write);
            early = null;
            helloSent = true;
        }
        if (inactive) forget(); // the client left while its token was being checked
        drain(next());
    }

    /** Sends one error frame (no id), then closes with {@code reason}. */
    void refuse(ParleyException e, CloseReason reason) {
        if (closed != 0) return;
        byte[] frame = new Push("error", null, ApiError.of(e)).utf8(gateway.json);
        channel.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(frame)));
        close(reason);
    }

    /**
     * The close handshake (RFC 6455 §7.1.1): sends the close frame, then reads on, discarding frames, until the
     * client's close comes back, and only then ends the TCP connection (closing with unread input would make
     * the kernel reset it and drop the close frame). A client that does not answer within
     * {@link #CLOSE_GRACE_SECONDS}, such as one that stopped reading (4429), is dropped.
     */
    @Override
    public void close(CloseReason reason) {
        if (!CLOSED.compareAndSet(this, 0, 1)) return;
        if (caller != null) gateway.delivery.unregister(this); // nothing more goes out; the slot is freed when the channel ends
        channel.writeAndFlush(new CloseWebSocketFrame(reason.code(), reason.reason()));
        channel.config().setAutoRead(true);
        var force = channel.eventLoop().schedule(() -> { channel.close(); }, CLOSE_GRACE_SECONDS, TimeUnit.SECONDS);
        channel.closeFuture().addListener(f -> force.cancel(false));
    }

    boolean isClosed() { return closed != 0; }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = 1;
        inactive = true;
        forget();
        if (fragments != null) {
            fragments.release();
            fragments = null;
        }
        synchronized (this) {
            pending = null;
        }
    }

    /** Leaves the registry and delivery; safe to repeat, and from any thread. */
    private void forget() {
        if (caller == null) return; // never opened (and open() checks inactive after registering)
        gateway.delivery.unregister(this);
        gateway.registry.remove(this);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable e) {
        // Netty's decoder has already answered a broken frame with a close frame (1009 over the size limit, 1002 otherwise).
        if (!(e instanceof CorruptedWebSocketFrameException) && !(e instanceof IOException)) {
            log.warn("WebSocket failed", e);
        }
        closed = 1;
        ctx.close();
    }

    // ------------------------------------------------------------------ outbound

    @Override
    public boolean send(Push push) {
        if (!helloSent) {
            synchronized (this) { // between registration and hello: park the push, never wait here (see open)
                if (!helloSent) {
                    if (closed != 0) return false;
                    if (early == null) early = new ArrayList<>(4);
                    early.add(push);
                    return true;
                }
            }
        }
        return write(push);
    }

    private boolean write(Push push) {
        if (closed != 0) return false;
        if (QUEUED.incrementAndGet(this) > MAX_QUEUED || unsentBytes() > gateway.maxQueuedBytes) {
            QUEUED.decrementAndGet(this);
            close(CloseReason.SLOW_CONSUMER);
            return false;
        }
        // The push's bytes are shared by every connection it goes to; the frame encoder copies them behind the header.
        channel.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(push.utf8(gateway.json)))).addListener(this);
        return true;
    }

    /**
     * Bytes written to the channel and not yet to the socket: Netty counts them as writes are queued (from any
     * thread) and sent, so this is two field reads. Frames have any size up to the limit, so a count alone does
     * not bound the memory a client that stops reading can make the server hold.
     */
    private long unsentBytes() {
        ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
        return out == null ? 0 : out.totalPendingWriteBytes();
    }

    /** A frame from {@link #send} reached the socket (or failed with the channel). */
    @Override
    public void operationComplete(ChannelFuture future) {
        QUEUED.decrementAndGet(this);
    }

    // ------------------------------------------------------------------ inbound (event loop)

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof WebSocketFrame frame) {
                lastInboundAt = gateway.clock.millis();
                onFrame(ctx, frame);
            }
            // else: the end of the upgrade request (an empty HttpContent) from the HTTP codec: nothing to do.
            else if (!(msg instanceof HttpContent)) {
                ctx.close();
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onFrame(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (closed != 0 && !(frame instanceof CloseWebSocketFrame)) return; // closing: waiting for the client's close
        switch (frame) {
            case TextWebSocketFrame t -> {
                if (t.isFinalFragment()) {
                    enqueueText(t.content());
                } else {
                    startFragments(ctx, TEXT, t);
                }
            }
            case BinaryWebSocketFrame b -> {
                if (b.isFinalFragment()) {
                    enqueue(BINARY);
                } else {
                    startFragments(ctx, BIN, b);
                }
            }
            case ContinuationWebSocketFrame c -> continueFragments(c);
            case PingWebSocketFrame ping -> {
                // RFC 6455 §5.5.2: answer with the same application data. One pong at a time: a client that pings
                // faster than it reads gets no answer to some pings, which §5.5.3 allows.
                if (!pongPending && closed == 0) {
                    pongPending = true;
                    ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain())).addListener(f -> pongPending = false);
                }
            }
            case PongWebSocketFrame ignored -> {
                // activity only
            }
            case CloseWebSocketFrame close -> {
                // RFC 6455 §5.5.1: answer a close with a close (echoing its code), then the connection ends.
                if (CLOSED.compareAndSet(this, 0, 1)) {
                    ctx.writeAndFlush(new CloseWebSocketFrame(true, 0, close.content().retain())).addListener(ChannelFutureListener.CLOSE);
                } else {
                    ctx.close(); // the answer to our close
                }
            }
            default -> ctx.close();
        }
    }

    private void startFragments(ChannelHandlerContext ctx, byte kind, WebSocketFrame first) {
        fragmentKind = kind;
        fragmentBytes = first.content().readableBytes();
        if (kind == TEXT) {
            fragments = ctx.alloc().compositeBuffer();
            fragments.addComponent(true, first.content().retain());
        }
    }

    /** Netty's decoder has checked the sequence (RFC 6455 §5.4): a continuation always follows a first fragment. */
    private void continueFragments(ContinuationWebSocketFrame c) {
        fragmentBytes += c.content().readableBytes();
        if (fragmentBytes > gateway.hardFrameLimit) {
            dropFragments();
            close(CloseReason.FRAME_TOO_LARGE);
            return;
        }
        if (fragments != null) fragments.addComponent(true, c.content().retain());
        if (!c.isFinalFragment()) return;
        if (fragmentKind == TEXT) {
            CompositeByteBuf whole = fragments;
            fragments = null; // released here, not by dropFragments
            try {
                dropFragments();
                enqueueText(whole);
            } finally {
                whole.release();
            }
        } else {
            dropFragments();
            enqueue(BINARY);
        }
    }

    /**
     * A whole text message, which must be UTF-8 (RFC 6455 §8.1): otherwise the connection fails with 1007. The
     * decoder replaces bad bytes with U+FFFD, so only a message containing one (rare: it may also be a real U+FFFD)
     * is checked byte by byte; the usual message costs one vectorised search of its decoded text.
     */
    private void enqueueText(ByteBuf bytes) {
        String text = bytes.toString(StandardCharsets.UTF_8);
        if (text.indexOf('\uFFFD') >= 0 && !ByteBufUtil.isText(bytes, StandardCharsets.UTF_8)) {
            close(CloseReason.INVALID_UTF8);
            return;
        }
        enqueue(text);
    }

    private void dropFragments() {
        if (fragments != null) fragments.release();
        fragments = null;
        fragmentKind = NONE;
        fragmentBytes = 0;
    }

    /** Hands one message to the virtual thread handling this connection's frames, starting one if none is. */
    private void enqueue(String text) {
        if (closed != 0) return;
        synchronized (this) {
            if (busy) {
                if (pending == null) pending = new ArrayDeque<>(4);
                pending.add(text);
                if (!readPaused) {
                    readPaused = true;
                    channel.config().setAutoRead(false);
                }
                return;
            }
            busy = true;
        }
        // Nothing of this connection's is being handled, so a ping answered here keeps its place in the order,
        // but the reply to the frame before may not have been written yet: the virtual thread that handled it
        // wrote it from off the event loop, which queues the write as a task here, then went idle. Writing the
        // pong directly would pass that task; queued as a task of its own, it goes behind it (the queue is FIFO).
        Push pong = text == BINARY ? null : gateway.frames.answerPing(caller, this, text);
        if (pong == null) {
            gateway.blocking.run(() -> drain(text));
            return;
        }
        channel.eventLoop().execute(() -> send(pong));
        String next = next(); // null: only this event loop queues, and it is here
        if (next != null) gateway.blocking.run(() -> drain(next));
    }

    // ------------------------------------------------------------------ handling (virtual thread)

    /** Handles {@code text} and whatever queued behind it, one at a time, each reply before the next frame. */
    private void drain(String text) {
        while (text != null && closed == 0) {
            Push reply;
            try {
                reply = text == BINARY ? UNSUPPORTED : gateway.frames.handle(caller, this, text);
            } catch (RuntimeException e) {
                log.error("Frame handling failed", e);
                reply = Dispatcher.error(null, new ParleyException(ErrorCode.INTERNAL));
            }
            send(reply);
            text = next();
        }
    }

    /** The next queued message, or null after marking the connection idle and reading again. */
    private String next() {
        synchronized (this) {
            String text = pending == null || closed != 0 ? null : pending.poll();
            if (text != null) return text;
            pending = null;
            busy = false;
            if (readPaused && closed == 0) {
                readPaused = false;
                channel.config().setAutoRead(true); // under the lock, so that it cannot overtake a later pause
            }
            return null;
        }
    }
}
