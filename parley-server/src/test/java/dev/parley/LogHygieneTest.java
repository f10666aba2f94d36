package dev.parley;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.parley.testkit.Api;
import dev.parley.testkit.Backend;
import dev.parley.testkit.ParleyServer;
import dev.parley.testkit.Users;
import dev.parley.testkit.WsClient;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/** No password, token or message text reaches the logs, whatever happens, failures included. */
class LogHygieneTest {
    @Test
    void secretsAndMessageTextNeverReachTheLogs() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        root.addAppender(captured);
        try {
            ParleyServer server = Backend.SQLITE.server();
            Api api = new Api(server);
            String password = "Sekr3t-pass-" + System.nanoTime();
            String name = Users.freshName("hygiene");
            assertThat(api.post("/api/v1/accounts", null, Map.of("username", name, "password", password)).status()).isEqualTo(201);
            assertThat(api.post("/api/v1/auth/login", null, Map.of("username", name, "password", password + "x")).status()).isEqualTo(401);
            JsonNode login = api.post("/api/v1/auth/login", null, Map.of("username", name, "password", password)).body();
            String access = login.get("accessToken").asString();
            String refresh = login.get("refreshToken").asString();
            JsonNode refreshed = api.post("/api/v1/auth/refresh", null, Map.of("refreshToken", refresh)).body();
            assertThat(api.post("/api/v1/auth/refresh", null, Map.of("refreshToken", refresh)).code()).isEqualTo("token_revoked");

            Users users = new Users(server);
            Users.Device friend = users.newUserDevice("hygiene_friend");
            JsonNode second = api.post("/api/v1/auth/login", null, Map.of("username", name, "password", password, "deviceName", "second")).body();
            Users.Device me = new Users.Device(new Users.User(login.get("user").get("id").asLong(), name),
                    second.get("accessToken").asString(), second.get("refreshToken").asString(), second.get("sessionId").asLong());
            // befriend through the API with a password-less flow: me asks, friend accepts
            long req = api.post("/api/v1/friends/requests", me.accessToken(), Map.of("userId", friend.user().id())).body().get("id").asLong();
            api.post("/api/v1/friends/requests/" + req + "/accept", friend.accessToken(), null);
            String text = "private words " + System.nanoTime();
            try (WsClient ws = WsClient.connect(server, me.accessToken())) {
                ws.await("hello");
                assertThat(ws.request(Map.of("type", "send", "to", friend.user().id(), "clientMsgId", "h1", "text", text)).get("type").asString())
                        .isEqualTo("ack");
                ws.sendRaw("{\"type\":\"send\",\"text\":\"" + text + "\"");
                ws.await("error");
            }
            WsClient bad = WsClient.connect(server, access + "tampered");
            assertThat(bad.awaitClose()).isEqualTo(4401);

            List<String> secrets = List.of(password, access, refresh, refreshed.get("refreshToken").asString(), text, me.accessToken());
            for (ILoggingEvent e : List.copyOf(captured.list)) {
                String line = e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy()));
                for (String s : secrets) assertThat(line).as("log line from %s", e.getLoggerName()).doesNotContain(s);
            }
        } finally {
            root.detachAppender(captured);
        }
    }

    /**
     * Clients that give up in the middle of a request (a head cut off, a body cut off, a header line over the
     * limit) leave at most a few short lines in the log, never their headers: each used to log a multi-line
     * warning echoing every header name.
     */
    @Test
    void abortedAndMalformedRequestsLogAFewShortLinesWithoutTheirHeaders() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        root.addAppender(captured);
        ParleyServer server = Backend.SQLITE.server();
        try {
            for (int i = 0; i < 100; i++) {
                try (Socket s = new Socket("127.0.0.1", server.port())) {
                    OutputStream out = s.getOutputStream();
                    String request = switch (i % 3) {
                        case 0 -> "GET /api/v1/me HTTP/1.1\r\nHost: x\r\nX-Abort-Marker-Head: a\r\nX-Abort-Marker-Other: b\r\n";
                        case 1 -> "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nX-Abort-Marker-Body: a\r\nContent-Type: application/json\r\n"
                                + "Content-Length: 500\r\n\r\n{\"username\":";
                        default -> "GET /api/v1/me HTTP/1.1\r\nHost: x\r\nX-Abort-Marker-Long: " + "y".repeat(20_000) + "\r\n\r\n";
                    };
                    out.write(request.getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    if (i % 3 == 2) {
                        s.setSoTimeout(5000);
                        String status = new String(s.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1);
                        assertThat(status).as("a header over the limit is refused").isEqualTo("HTTP/1.1 431");
                    }
                }
            }
            // The server still answers, so every aborted connection above has been seen and handled by now.
            assertThat(new Api(server).get("/api/v1/me", null).status()).isEqualTo(401);
            long deadline = System.currentTimeMillis() + 2000;
            while (System.currentTimeMillis() < deadline) {
                long n = List.copyOf(captured.list).stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).count();
                if (n > 5) break;
                Thread.onSpinWait();
            }
            List<ILoggingEvent> warnings = List.copyOf(captured.list).stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).toList();
            for (ILoggingEvent e : warnings) {
                String line = e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy()));
                assertThat(line).as("from %s", e.getLoggerName()).doesNotContain("X-Abort-Marker").doesNotContain("\n");
            }
            assertThat(warnings).as("100 bad requests in a moment: a line or two, not hundreds").hasSizeLessThanOrEqualTo(3);
        } finally {
            root.detachAppender(captured);
        }
    }
}
