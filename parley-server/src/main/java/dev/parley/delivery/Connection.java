package dev.parley.delivery;

/** One live client connection of one device (a WebSocket or a long-poll session). */
public interface Connection {
    long userId();

    long sessionId();

    /** Queues a frame without blocking. Returns false when the connection is gone or its queue overflowed (it then closes). */
    boolean send(Push push);

    void close(CloseReason reason);
}
