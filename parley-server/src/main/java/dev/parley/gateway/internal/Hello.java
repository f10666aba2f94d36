package dev.parley.gateway.internal;

/**
 * The first frame on every connection. {@code framesPerSecond} and {@code frameBurst} are the user's frame budget,
 * shared by all of their connections and long-poll sessions, so that clients need not hard-code it.
 */
record Hello(long userId, long sessionId, long serverTime, long heartbeatInterval, long idleTimeout, int maxFrameBytes,
             Number framesPerSecond, int frameBurst) {

    Hello(long userId, long sessionId, long serverTime, long heartbeatInterval, long idleTimeout, int maxFrameBytes,
          double framesPerSecond, int frameBurst) {
        // 20, not 20.0, for a whole rate.
        this(userId, sessionId, serverTime, heartbeatInterval, idleTimeout, maxFrameBytes,
                framesPerSecond == Math.rint(framesPerSecond) ? (Number) (long) framesPerSecond : (Number) framesPerSecond, frameBurst);
    }
}
