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
 * The timeouts of a plain HTTP connection, and a brief answer to a request the codec could not decode: one handler
 * per connection, right after the WebSocket upgrade handler (so an upgrade to {@code /ws} removes it along with
 * Reactor Netty's HTTP handlers; WebSockets have their own idle timeout). A connection waiting for a request head
 * must get it whole within the header timeout (a new connection) or the keep-alive timeout (after the last response
 * ended): a client that sends nothing, or one header line now and then (slowloris), is closed. While a request body
 * comes in, a gap between reads longer than the read timeout closes the connection too, unless the server itself
 * paused reading (backpressure). While the server works on an answer (a long-poll waiting, a download streaming)
 * no timeout runs.
 * <p>A request head the codec could not decode (cut off by the client closing, a line or headers over the limit,
 * garbage) is answered here (400, 414 or 431, then close), or just dropped when the client is gone, and logged as one short
 * line at a bounded rate. Reactor Netty would log each as a multi-line warning echoing every header name, so that
 * a few hundred aborted connections made thousands of log lines.
 * <p>One timer per connection, rescheduled when it fires rather than on every read, so reads cost two field writes.
 */
final class HttpConnectionGuard extends ChannelDuplexHandler implements Runnable {
    static final String NAME = "parley.httpGuard";

    /** Timeouts in nanoseconds, and the log of refused requests: shared by every connection. */
    record Limits(long header, long keepAlive, long read, ThrottledLog badRequests) {}

    private final Limits limits;
    private ChannelHandlerContext ctx;
    /** Requests whose head was read and whose response has not ended (more than one only when pipelined). */
    private int inFlight;
    /** Between a request's head and the end of its body. */
    private boolean readingBody;
    /** When the current wait (for a head, or for the body's next bytes) runs out. */
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
            inFlight++;
            readingBody = true;
            deadline = System.nanoTime() + limits.read();
        }
        if (msg instanceof HttpContent) {
            deadline = System.nanoTime() + limits.read();
            if (msg instanceof LastHttpContent) {
                readingBody = false;
                if (inFlight == 0) waitForNext(); // answered before its body was read
            }
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

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof LastHttpContent && inFlight > 0 && --inFlight == 0 && !readingBody) waitForNext();
        ctx.write(msg, promise);
    }

    private void waitForNext() {
        deadline = System.nanoTime() + limits.keepAlive();
    }

    /** The timer: close past the deadline, else look again when it comes. */
    @Override
    public void run() {
        if (timer == null || !ctx.channel().isActive()) return;
        long now = System.nanoTime();
        long wait;
        if (!readingBody && inFlight > 0) {
            wait = Math.min(limits.keepAlive(), limits.read()); // being answered: nothing to time, look again later
        } else if (now - deadline < 0) {
            wait = deadline - now;
        } else if (readingBody && !ctx.channel().config().isAutoRead()) {
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
