package dev.parley.gateway.internal;

import dev.parley.account.Caller;
import dev.parley.delivery.CloseReason;
import dev.parley.delivery.Connection;
import dev.parley.delivery.Push;
import dev.parley.platform.TokenBucket;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;
import tools.jackson.databind.json.JsonMapper;

/**
 * One WebSocket. Outbound frames queue in a small growable queue (it starts at 16 slots, so an idle connection
 * holds little); past {@link #MAX_QUEUED} undelivered frames the client is too slow and is closed (4429): it
 * reconnects and syncs, which is cheaper than buffering without bound.
 */
final class WebSocketConnection implements Connection {
    static final int MAX_QUEUED = 1024;

    private final Caller caller;
    private final WebSocketSession ws;
    private final JsonMapper json;
    private final Sinks.Many<String> out = Sinks.many().unicast().onBackpressureBuffer(Queues.<String>unbounded(16).get());
    private final AtomicInteger queued = new AtomicInteger();
    /**
     * Pongs answering the client's pings, beside the frame queue. One slot: a client that pings faster than it
     * reads gets a pong for the latest ping only, which RFC 6455 §5.5.3 allows, so pings cannot pile up memory.
     */
    private final Sinks.Many<byte[]> pongs = Sinks.many().unicast().onBackpressureBuffer(Queues.<byte[]>one().get());
    final TokenBucket rate;
    volatile long lastInboundAt;
    private volatile boolean closed;

    WebSocketConnection(Caller caller, WebSocketSession ws, JsonMapper json, TokenBucket rate, long now) {
        this.caller = caller;
        this.ws = ws;
        this.json = json;
        this.rate = rate;
        this.lastInboundAt = now;
    }

    Caller caller() { return caller; }

    @Override
    public long userId() { return caller.userId(); }

    @Override
    public long sessionId() { return caller.sessionId(); }

    Flux<String> outbound() {
        return out.asFlux().doOnNext(x -> queued.decrementAndGet());
    }

    Flux<byte[]> pongs() {
        return pongs.asFlux();
    }

    /** Answers a ping with its payload (RFC 6455 §5.5.2); dropped when a pong is already waiting to go out. */
    void pong(byte[] payload) {
        if (closed) return;
        synchronized (this) {
            pongs.tryEmitNext(payload);
        }
    }

    @Override
    public boolean send(Push push) {
        if (closed) return false;
        if (queued.incrementAndGet() > MAX_QUEUED) {
            queued.decrementAndGet();
            close(CloseReason.SLOW_CONSUMER);
            return false;
        }
        Sinks.EmitResult r;
        synchronized (this) { // the sink takes one producer at a time
            r = out.tryEmitNext(push.json(json));
        }
        if (r.isFailure()) queued.decrementAndGet();
        return r.isSuccess();
    }

    @Override
    public void close(CloseReason reason) {
        if (closed) return;
        closed = true;
        // The peer may be gone already (reset, or Netty closed it over a broken frame): nothing left to tell it.
        ws.close(new CloseStatus(reason.code(), reason.reason())).subscribe(null, gone -> {});
        synchronized (this) {
            out.tryEmitComplete();
            pongs.tryEmitComplete();
        }
    }

    boolean isClosed() { return closed; }

    void markClosed() {
        closed = true;
        synchronized (this) {
            out.tryEmitComplete();
            pongs.tryEmitComplete();
        }
    }
}
