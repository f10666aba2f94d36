package dev.parley.gateway.internal;

import dev.parley.account.Caller;
import dev.parley.delivery.CloseReason;
import dev.parley.delivery.Delivery;
import dev.parley.delivery.Push;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.ParleyException;
import dev.parley.platform.ParleyProperties;
import dev.parley.platform.RateLimits;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The long-poll transport: the same frames as the WebSocket, over plain HTTP. Open a poll session, then loop on
 * {@code GET /api/v1/longpoll/{id}?ack=<last n seen>}; send client frames with {@code POST .../frames}, whose
 * answer is the reply frame itself.
 */
@RestController
@RequestMapping("/api/v1/longpoll")
@Tag(name = "Long-poll transport")
@SecurityRequirement(name = "bearer")
class LongPollGateway {
    record Opened(String pollId, long maxWaitSeconds, long expirySeconds) {}

    private final Map<String, LongPollConnection> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Delivery delivery;
    private final FrameHandling frames;
    private final JsonMapper json;
    private final Clock clock;
    private final ParleyProperties props;
    private final RateLimits rateLimits;
    private final ConnectionRegistry registry;
    private final long maxQueuedBytes;

    LongPollGateway(Delivery delivery, FrameHandling frames, JsonMapper json, Clock clock, ParleyProperties props, RateLimits rateLimits,
                    ConnectionRegistry registry, ConnectionSettings settings) {
        this.rateLimits = rateLimits;
        this.registry = registry;
        this.maxQueuedBytes = settings.maxQueuedBytes().toBytes();
        this.delivery = delivery;
        this.frames = frames;
        this.json = json;
        this.clock = clock;
        this.props = props;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Open a long-poll session; its first frame is hello")
    Opened open(Caller caller) {
        switch (registry.tryReserve(caller)) {
            case ADMITTED -> { }
            case SERVER_FULL -> throw new ParleyException(ErrorCode.SERVER_FULL);
            case TOO_MANY_FOR_USER, TOO_MANY_FOR_SESSION -> throw new ParleyException(ErrorCode.TOO_MANY_CONNECTIONS);
        }
        byte[] b = new byte[18];
        random.nextBytes(b);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        var limits = props.limits();
        LongPollConnection c = new LongPollConnection(id, caller, json, props.longpoll().maxQueuedEvents(), clock.millis());
        sessions.put(id, c);
        c.limit(maxQueuedBytes, () -> registry.release(caller));
        delivery.register(c);
        c.send(new Push("hello", new Hello(caller.userId(), caller.sessionId(), clock.millis(),
                props.longpoll().maxWait().toSeconds(), props.longpoll().sessionExpiry().toSeconds(), limits.maxFrameBytes(),
                rateLimits.framesPerSecond(), rateLimits.frameBurst())));
        return new Opened(id, props.longpoll().maxWait().toSeconds(), props.longpoll().sessionExpiry().toSeconds());
    }

    @GetMapping(value = "/{pollId}", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Frames after ack (waits up to maxWait for one): {\"frames\":[{\"n\":..,\"frame\":{..}}],\"closed\":..}")
    Mono<String> poll(Caller caller, @PathVariable String pollId, @RequestParam(defaultValue = "0") long ack) {
        LongPollConnection c = owned(caller, pollId);
        Duration wait = props.longpoll().maxWait();
        return Mono.<LongPollConnection.Batch>create(sink -> {
                    LongPollConnection.Batch ready = c.poll(ack, sink, clock.millis());
                    if (ready != null) sink.success(ready);
                    else sink.onCancel(() -> c.forgetWaiter(sink));
                })
                .timeout(wait, Mono.fromSupplier(() -> new LongPollConnection.Batch(java.util.List.of(), false, null)))
                .map(this::render);
    }

    @PostMapping(value = "/{pollId}/frames", consumes = MediaType.ALL_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Send one client frame (as on the WebSocket); the answer is the reply frame")
    String frame(Caller caller, @PathVariable String pollId, @RequestBody(required = false) String body) {
        LongPollConnection c = owned(caller, pollId);
        // A closed session (4429, 4403, shutting down...) does nothing more: its client must open a new one and sync.
        if (c.isClosed()) throw new ParleyException(ErrorCode.LONGPOLL_CLOSED);
        return frames.handle(caller, c, body == null ? "" : body).json(json);
    }

    @DeleteMapping("/{pollId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Close a long-poll session")
    void close(Caller caller, @PathVariable String pollId) {
        LongPollConnection c = owned(caller, pollId);
        drop(c, CloseReason.NORMAL);
    }

    private LongPollConnection owned(Caller caller, String pollId) {
        LongPollConnection c = sessions.get(pollId);
        if (c == null || c.userId() != caller.userId() || c.sessionId() != caller.sessionId()) {
            throw new ParleyException(ErrorCode.NOT_FOUND, "No such long-poll session; open a new one.");
        }
        return c;
    }

    private String render(LongPollConnection.Batch b) {
        String items = b.frames().stream().map(f -> "{\"n\":" + f.n() + ",\"frame\":" + f.json() + "}").collect(Collectors.joining(","));
        return "{\"frames\":[" + items + "],\"closed\":" + b.closed() + (b.closeCode() == null ? "" : ",\"closeCode\":" + b.closeCode()) + "}";
    }

    private void drop(LongPollConnection c, CloseReason reason) {
        c.close(reason);
        delivery.unregister(c);
        sessions.remove(c.id, c);
    }

    /** Ends every session; a waiting poll returns at once with {@code closed} and the reason's code. */
    void closeAll(CloseReason reason) {
        for (LongPollConnection c : sessions.values()) drop(c, reason);
    }

    /** Forgets poll sessions nobody polled for the expiry time, and closed ones once their last frames are fetched. */
    @Scheduled(fixedDelayString = "${parley.websocket.sweep-interval:5s}")
    void expire() {
        long cutoff = clock.millis() - props.longpoll().sessionExpiry().toMillis();
        for (LongPollConnection c : sessions.values()) {
            if (c.idleSince(cutoff)) drop(c, CloseReason.IDLE_TIMEOUT);
            else if (c.isClosed()) delivery.unregister(c);
        }
    }
}
