package dev.parley.gateway.internal;

import dev.parley.account.Caller;
import dev.parley.delivery.Connection;
import dev.parley.gateway.ClientCommand;
import dev.parley.delivery.Push;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.ParleyException;
import dev.parley.platform.ParleyProperties;
import dev.parley.platform.RateLimited;
import dev.parley.platform.RateLimits;
import java.nio.charset.StandardCharsets;
import org.springframework.stereotype.Component;

/**
 * What every transport does with one inbound text frame: size limit, rate limit, decode, dispatch. Blocking
 * (the dispatch may write to the database): call on a virtual thread.
 */
@Component
class FrameHandling {
    private final FrameDecoder decoder;
    private final Dispatcher dispatcher;
    private final RateLimits rateLimits;
    private final int maxFrameBytes;

    FrameHandling(FrameDecoder decoder, Dispatcher dispatcher, RateLimits rateLimits, ParleyProperties props) {
        this.decoder = decoder;
        this.dispatcher = dispatcher;
        this.rateLimits = rateLimits;
        this.maxFrameBytes = props.limits().maxFrameBytes();
    }

    int maxFrameBytes() { return maxFrameBytes; }

    /** The frame rate is the user's: all their connections and long-poll sessions draw on one bucket. */
    Push handle(Caller caller, Connection origin, String text) {
        if (text.length() > maxFrameBytes || (text.length() * 3 > maxFrameBytes && text.getBytes(StandardCharsets.UTF_8).length > maxFrameBytes)) {
            return Dispatcher.error(null, new ParleyException(ErrorCode.FRAME_TOO_LARGE, "Frames are at most " + maxFrameBytes + " bytes."));
        }
        long wait = rateLimits.takeFrame(caller.userId());
        if (wait != 0) return Dispatcher.error(peekId(text), tooFast(wait));
        try {
            return dispatcher.dispatch(caller, origin, decoder.decode(text));
        } catch (FrameDecoder.BadFrame e) {
            return Dispatcher.error(e.frameId, e);
        }
    }

    /**
     * The heartbeat's fast path, for a transport's event loop: a small frame that decodes to {@code ping} is
     * answered where it was read, with the same rate limit and the same strict decoding as {@link #handle}; null
     * for anything else, which then goes the usual way. It saves the hand-off to a virtual thread and back for the
     * most frequent frame there is (19,000 idle connections send 760 pings a second), two thread wake-ups each.
     */
    Push answerPing(Caller caller, Connection origin, String text) {
        if (text.length() > MAX_INLINE_PING || !text.contains("ping")) return null;
        ClientCommand command;
        try {
            command = decoder.decode(text);
        } catch (FrameDecoder.BadFrame e) {
            return null; // reported by the usual path
        }
        if (!(command instanceof ClientCommand.Ping ping)) return null;
        long wait = rateLimits.takeFrame(caller.userId());
        if (wait != 0) return Dispatcher.error(ping.id(), tooFast(wait));
        return dispatcher.dispatch(caller, origin, ping); // a pong: nothing blocks
    }

    private static RateLimited tooFast(long waitNanos) {
        return RateLimited.afterNanos("Too many frames from your connections; slow down.", waitNanos);
    }

    /** Longer than any ping a client needs ({"type":"ping","id":"..."} with a 64-character id). */
    static final int MAX_INLINE_PING = 160;

    /** Best effort to echo the id of a rate-limited frame (decoding is cheap next to the dispatch it skips). */
    private String peekId(String text) {
        try {
            return decoder.decode(text).id();
        } catch (FrameDecoder.BadFrame e) {
            return e.frameId;
        }
    }
}
