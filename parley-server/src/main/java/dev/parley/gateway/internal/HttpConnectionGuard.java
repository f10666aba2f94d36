package dev.parley.gateway.internal;

import dev.parley.platform.ThrottledLog;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The timeouts of a plain HTTP connection, and a brief answer to a request the codec could not decode, one handler per connection right after the WebSocket upgrade handler
 * (so an upgrade to {@code /ws} removes it along with Reactor Netty's HTTP handlers; WebSockets have their own idle
 * timeout). A connection waiting for a request head must get it whole within the header timeout (a new connection)
 * or the keep-alive timeout (after a response): a client that sends nothing, or one header line now and then
 * (slowloris), is closed. While a request body comes in, a gap between reads longer than the read timeout closes
 * the connection too, unless the server itself paused reading (backpressure). While the server works on the
 * answer (a long-poll waiting, a download streaming) no timeout runs.
 * <p>A request head the codec could not decode (cut off by the client closing, a line or headers over the limit,
 * garbage) is answered here, 400 or 431 and close, or just dropped when the client is gone, and logged as one short
 * line at a bounded rate. Reactor Netty would log each as a multi-line warning echoing every header name, so that
 * a few hundred aborted connections made thousands of log lines.
 * <p>One timer per connection, rescheduled when it fires rather than on every read, so reads cost two field writes.
 */
final class HttpConnectionGuard extends ChannelDuplexHandler implements Runnable {
    static final String NAME = "parley.httpGuard";
    private static final byte WAITING_FOR_HEAD = 0, READING_BODY = 1, ANSWERING = 2;

    /** Timeouts in nanoseconds, and the log of refused requests: shared by every connection. */
    record Limits(long header, long keepAlive, long read, ThrottledLog badRequests) {}

    private final Limits limits;
    private ChannelHandlerContext ctx;
    private byte phase = WAITING_FOR_HEAD;
    /** The response to the request being read ended before its body did (an early error answer). */
    private boolean answered;
    private long deadline;
    private ScheduledFuture<?> timer;
    /** A request failed to decode: what the codec still emits is dropped. */
    private boolean broken;

    HttpConnectionGuard(Limits limits) {
        this.limits = limits;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        deadline = System.nanoTime() + limits.header();
        timer = ctx.executor().schedule(this, limits.header(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stop();
        ctx.fireChannelInactive();
    }

    private void stop() {
        if (timer != null) timer.cancel(false);
        timer = null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (broken || (msg instanceof HttpObject o && o.decoderResult().isFailure())) {
            refuse(ctx, msg);
            return;
        }
        if (msg instanceof HttpRequest) {
            phase = READING_BODY;
            answered = false;
        }
        if (msg instanceof HttpContent) {
            deadline = System.nanoTime() + limits.read();
            if (msg instanceof LastHttpContent) requestRead();
        } else if (phase == READING_BODY) {
            deadline = System.nanoTime() + limits.read();
        }
        ctx.fireChannelRead(msg);
    }

    private void refuse(ChannelHandlerContext ctx, Object msg) {
        try {
            if (broken) return;
            broken = true;
            stop();
            Throwable cause = ((HttpObject) msg).decoderResult().cause();
            String peer = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : "?";
            limits.badRequests().warn("Dropped an HTTP request from {} that could not be read: {}", peer,
                    cause == null ? "?" : cause.getClass().getSimpleName());
            if (!ctx.channel().isActive() || !(msg instanceof HttpRequest)) {
                ctx.close();
                return;
            }
            HttpResponseStatus status = cause instanceof TooLongHttpHeaderException
                    ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                    : cause instanceof TooLongHttpLineException ? HttpResponseStatus.REQUEST_URI_TOO_LONG : HttpResponseStatus.BAD_REQUEST;
            var r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
            r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0).set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void requestRead() {
        if (answered) waitForNext();
        else phase = ANSWERING;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof LastHttpContent) {
            if (phase == READING_BODY) answered = true;
            else waitForNext();
        }
        ctx.write(msg, promise);
    }

    private void waitForNext() {
        phase = WAITING_FOR_HEAD;
        deadline = System.nanoTime() + limits.keepAlive();
    }

    /** The timer: close past the deadline, else look again when it comes. */
    @Override
    public void run() {
        if (timer == null || !ctx.channel().isActive()) return;
        long now = System.nanoTime();
        long wait;
        if (phase == ANSWERING) {
            wait = Math.min(limits.keepAlive(), limits.read()); // nothing to time: look again later
        } else if (now - deadline < 0) {
            wait = deadline - now;
        } else if (phase == READING_BODY && !ctx.channel().config().isAutoRead()) {
            deadline = now + limits.read(); // the server is not reading: the gap is not the client's
            wait = limits.read();
        } else {
            timer = null;
            ctx.close();
            return;
        }
        timer = ctx.executor().schedule(this, wait, TimeUnit.NANOSECONDS);
    }
}
