package dev.parley.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;

/** Registers fresh users (unique names per test run) and logs them in as devices. */
public final class Users {
    public static final String PASSWORD = "correct horse 1";
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final String RUN = Long.toString(System.nanoTime() % 1_000_000, 36);

    public record User(long id, String username) {}

    /** One logged-in device of a user. */
    public record Device(User user, String accessToken, String refreshToken, long sessionId) {}

    private final Api api;

    public Users(ParleyServer server) {
        this.api = new Api(server);
    }

    public Api api() { return api; }

    public static String freshName(String prefix) {
        return (prefix + "_" + RUN + "_" + COUNTER.incrementAndGet()).toLowerCase();
    }

    public User register(String prefix) {
        String name = freshName(prefix);
        Api.Response r = api.post("/api/v1/accounts", null, Map.of("username", name, "displayName", prefix, "password", PASSWORD));
        assertThat(r.status()).as(r.raw()).isEqualTo(201);
        return new User(r.body().get("id").asLong(), name);
    }

    public Device login(User user, String deviceName) {
        Api.Response r = api.post("/api/v1/auth/login", null, Map.of("username", user.username(), "password", PASSWORD, "deviceName", deviceName));
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        JsonNode b = r.body();
        return new Device(user, b.get("accessToken").asString(), b.get("refreshToken").asString(), b.get("sessionId").asLong());
    }

    public Device newUserDevice(String prefix) {
        return login(register(prefix), prefix + "-phone");
    }

    /** Makes two users friends through the real request/accept flow. */
    public void befriend(Device a, Device b) {
        Api.Response req = api.post("/api/v1/friends/requests", a.accessToken(), Map.of("userId", b.user().id(), "note", "hi"));
        assertThat(req.status()).as(req.raw()).isEqualTo(201);
        Api.Response acc = api.post("/api/v1/friends/requests/" + req.body().get("id").asLong() + "/accept", b.accessToken(), null);
        assertThat(acc.status()).as(acc.raw()).isEqualTo(200);
    }
}
