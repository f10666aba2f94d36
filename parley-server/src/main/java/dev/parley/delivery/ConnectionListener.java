package dev.parley.delivery;

/**
 * Told when a connection registers with {@link Delivery} and when it leaves (presence). Called on the transport's
 * thread, possibly an event loop: implementations only record and hand blocking work to a virtual thread.
 */
public interface ConnectionListener {
    void opened(Connection connection);

    void closed(Connection connection);
}
