package dev.parley.testkit;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.Parameter;

/**
 * Base of the protocol tests that run once per database: annotate the subclass with
 * {@code @ParameterizedClass @EnumSource(Backend.class)}. Gives it the shared server of that database, a user
 * factory, a REST client, and closes every WebSocket the test put in {@link #opened}.
 */
public abstract class OnBothDatabases {
    @Parameter
    protected Backend backend;

    protected ParleyServer server;
    protected Users users;
    protected Api api;
    protected final List<WsClient> opened = new ArrayList<>();

    @BeforeEach
    void useSharedServer() {
        server = backend.server();
        users = new Users(server);
        api = users.api();
    }

    /** A WebSocket of the device on the shared server, past its hello; closed after the test. */
    protected WsClient connect(Users.Device d) {
        WsClient ws = track(WsClient.connect(server, d.accessToken()));
        ws.await("hello");
        return ws;
    }

    /** Closes {@code ws} after the test. */
    protected WsClient track(WsClient ws) {
        opened.add(ws);
        return ws;
    }

    @AfterEach
    void closeOpenedClients() {
        opened.forEach(WsClient::close);
    }
}
