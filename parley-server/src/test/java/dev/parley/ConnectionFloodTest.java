package dev.parley;

import static dev.parley.BadInputTest.frame;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testkit.Backend;
import dev.parley.testkit.ParleyServer;
import dev.parley.testkit.Users;
import dev.parley.testkit.Users.Device;
import dev.parley.testkit.WsClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * An attacker on 127.0.0.2 opens many TCP connections that send nothing, or send a request head one line at a
 * time (slowloris), or a body that never comes. Sockets past the per-address cap are closed at once; the ones
 * within it are closed by the header, keep-alive and read timeouts. Meanwhile a user on 127.0.0.1 registers,
 * logs in and chats with normal latency. Connections only, no storage: SQLite.
 */
class ConnectionFloodTest {
    static final int CAP = 20;
    static final int PROXY_CAP = 60;
    static final long TIMEOUT_MILLIS = 4000;
    static ParleyServer server;

    @BeforeAll
    static void start() throws Exception {
        server = ParleyServer.dedicated(Backend.SQLITE, Map.of(
                "parley.connections.max-per-address", CAP,
                "parley.network.trusted-proxies", "127.0.0.3",
                "parley.connections.max-per-trusted-proxy", PROXY_CAP,
                "parley.connections.header-timeout", TIMEOUT_MILLIS + "ms",
                "parley.connections.keep-alive-timeout", TIMEOUT_MILLIS + "ms",
                "parley.connections.read-timeout", TIMEOUT_MILLIS + "ms"));
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    /** A raw socket whose source address is {@code from} (Linux routes all of 127/8 to loopback). */
    static Socket socketFrom(String from) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
        return s;
    }

    static void write(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** True when the server ended the connection within {@code millis} (end of stream or reset). */
    static boolean endsWithin(Socket s, long millis) throws IOException {
        long deadline = System.currentTimeMillis() + millis;
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        while (true) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) return false;
            s.setSoTimeout((int) left);
            try {
                if (in.read(buf) < 0) return true;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true; // reset
            }
        }
    }

    @Test
    void floodingSocketsFromOneAddressAreCutOffWhileAnotherAddressChatsOn() throws Exception {
        Users users = new Users(server);
        Device alice = users.newUserDevice("flood_alice");
        Device bob = users.newUserDevice("flood_bob");
        users.befriend(alice, bob);

        List<Socket> attack = new ArrayList<>();
        ExecutorService slow = Executors.newVirtualThreadPerTaskExecutor();
        try {
            // Within the cap: silent sockets, slowloris heads (a header line every 300 ms, never the end), a
            // body that never comes, and a keep-alive connection that starts its next request and stalls.
            List<Socket> silent = new ArrayList<>();
            for (int i = 0; i < 8; i++) silent.add(socketFrom("127.0.0.2"));
            List<Socket> lorises = new ArrayList<>();
            for (int i = 0; i < 8; i++) lorises.add(socketFrom("127.0.0.2"));
            Socket stalledBody = socketFrom("127.0.0.2");
            Socket last = socketFrom("127.0.0.2");
            Socket lastButOne = socketFrom("127.0.0.2");
            Socket keptAlive = socketFrom("127.0.0.2");
            attack.addAll(silent);
            attack.addAll(lorises);
            attack.addAll(List.of(stalledBody, last, lastButOne, keptAlive));
            assertThat(attack).hasSize(CAP);
            // The server counts a connection when it sets up its pipeline, on the event loop that serves it, not in
            // the order of accept across loops. An answer on the socket opened last means the server has set them
            // all up, so that the sockets below are the ones past the cap.
            write(keptAlive, "GET /api/v1/me HTTP/1.1\r\nHost: x\r\n\r\n");
            keptAlive.setSoTimeout(5000);
            byte[] head = new byte[12];
            assertThat(keptAlive.getInputStream().readNBytes(head, 0, 12)).isEqualTo(12);
            assertThat(new String(head, StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 401");
            // Past the cap: 40 more. The address is served on exactly CAP sockets, and every other is closed at once,
            // long before any timeout. Which ones the server refuses is its choice: it counts a connection when the
            // connection's event loop sets it up, which across loops need not follow the order of accept, so the
            // check counts sockets instead of naming them.
            List<Socket> extras = new ArrayList<>();
            for (int i = 0; i < 40; i++) extras.add(socketFrom("127.0.0.2"));
            attack.addAll(extras);
            long deadline = System.currentTimeMillis() + TIMEOUT_MILLIS / 2;
            int closedAtOnce = 0;
            for (Socket s : attack) {
                if (endsWithin(s, Math.max(1, deadline - System.currentTimeMillis()))) closedAtOnce++;
            }
            assertThat(closedAtOnce).as("sockets of the address closed at once, past the cap of %d", CAP).isEqualTo(40);
            assertThat(System.currentTimeMillis()).as("before any timeout").isLessThan(deadline + TIMEOUT_MILLIS / 4);
            for (Socket s : lorises) {
                slow.submit(() -> {
                    write(s, "GET / HTTP/1.1\r\nHost: x\r\n");
                    for (int i = 0; i < 100; i++) {
                        Thread.sleep(300); // the attack itself: one header line now and then
                        write(s, "X-Slow-" + i + ": y\r\n");
                    }
                    return null;
                });
            }
            write(stalledBody, "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"user");
            write(keptAlive, "GET /api/v1/me HTTP/1.1\r\n");

            // Another address is not affected: a new user registers, logs in and chats with normal latency.
            Device carol = users.newUserDevice("flood_carol");
            assertThat(carol.accessToken()).isNotBlank();
            try (WsClient a = WsClient.connect(server, alice.accessToken()); WsClient b = WsClient.connect(server, bob.accessToken())) {
                a.await("hello");
                b.await("hello");
                for (int i = 0; i < 5; i++) {
                    long t0 = System.nanoTime();
                    JsonNode ack = a.request(frame("type", "send", "to", bob.user().id(), "clientMsgId", "f" + i, "text", "hi " + i));
                    assertThat(ack.get("type").asString()).isEqualTo("ack");
                    String text = "hi " + i;
                    b.await(n -> "message".equals(WsClient.text(n, "type")) && text.equals(WsClient.text(n, "text")), "message " + i);
                    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as("round trip %d", i).isLessThan(2000);
                }
            }

            // The timeouts end every connection within the cap, however it stalls.
            for (Socket s : attack) assertThat(endsWithin(s, TIMEOUT_MILLIS * 3)).as("every attacking socket ends").isTrue();
            // Their slots are free again: the same address is served.
            try (Socket again = socketFrom("127.0.0.2")) {
                write(again, "GET /api/v1/me HTTP/1.1\r\nHost: x\r\n\r\n");
                again.setSoTimeout(5000);
                byte[] answer = again.getInputStream().readNBytes(12);
                assertThat(new String(answer, StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 401");
            }
        } finally {
            slow.shutdownNow();
            for (Socket s : attack) s.close();
        }
    }

    @Test
    void aTrustedProxyHasALargerCapOfItsOwn() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < PROXY_CAP; i++) sockets.add(socketFrom("127.0.0.3"));
            // Far more than an ordinary address may hold, all open (checked well before the header timeout) ...
            for (Socket s : sockets) assertThat(endsWithin(s, 10)).as("a proxy's socket within its cap").isFalse();
            // ... and one more is closed at once.
            Socket extra = socketFrom("127.0.0.3");
            sockets.add(extra);
            assertThat(endsWithin(extra, TIMEOUT_MILLIS / 2)).as("past the proxy's cap").isTrue();
            // Through the proxy, a request is answered.
            write(sockets.get(0), "GET /api/v1/me HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 203.0.113.9\r\n\r\n");
            sockets.get(0).setSoTimeout(5000);
            assertThat(new String(sockets.get(0).getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 401");
        } finally {
            for (Socket s : sockets) s.close();
        }
    }
}
