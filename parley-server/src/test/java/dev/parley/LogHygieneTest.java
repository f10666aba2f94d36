package dev.parley;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.parley.testkit.Api;
import dev.parley.testkit.Backend;
import dev.parley.testkit.ParleyServer;
import dev.parley.testkit.Users;
import dev.parley.testkit.WsClient;
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
}
