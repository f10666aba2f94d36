package dev.parley.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Creates benchmark users through the real REST API: register, log in (a device session each), befriend. */
final class Accounts {
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String PASSWORD = "bench-password-1";

    record User(long id, String username, String token, String refreshToken) {}

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;

    Accounts(int port) {
        this.base = "http://127.0.0.1:" + port + "/api/v1";
    }

    /** Registers and logs in {@code n} users, {@code parallel} at a time; returns them and the login rate. */
    record Created(List<User> users, double loginsPerSecond) {}

    Created create(String prefix, int n, int parallel) throws Exception {
        Semaphore gate = new Semaphore(parallel);
        List<Future<User>> futures = new ArrayList<>(n);
        long[] loginNanos = new long[1];
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                String name = (prefix + "_" + i).toLowerCase();
                futures.add(pool.submit(() -> {
                    gate.acquire();
                    try {
                        JsonNode reg = post("/accounts", null, "{\"username\":\"" + name + "\",\"password\":\"" + PASSWORD + "\"}", 201);
                        return new User(reg.get("id").asLong(), name, null, null);
                    } finally {
                        gate.release();
                    }
                }));
            }
            List<User> registered = new ArrayList<>(n);
            for (Future<User> f : futures) registered.add(f.get());
            futures.clear();
            long t0 = System.nanoTime();
            for (User u : registered) {
                futures.add(pool.submit(() -> {
                    gate.acquire();
                    try {
                        JsonNode l = post("/auth/login", null, "{\"username\":\"" + u.username() + "\",\"password\":\"" + PASSWORD
                                + "\",\"deviceName\":\"bench\"}", 200);
                        return new User(u.id(), u.username(), l.get("accessToken").asString(), l.get("refreshToken").asString());
                    } finally {
                        gate.release();
                    }
                }));
            }
            List<User> out = new ArrayList<>(n);
            for (Future<User> f : futures) out.add(f.get());
            loginNanos[0] = System.nanoTime() - t0;
            return new Created(out, n / (loginNanos[0] / 1e9));
        }
    }

    /** Makes a and b friends (a asks, b accepts). */
    void befriend(User a, User b) throws Exception {
        JsonNode req = post("/friends/requests", a.token(), "{\"userId\":" + b.id() + "}", 201);
        post("/friends/requests/" + req.get("id").asLong() + "/accept", b.token(), "", 200);
    }

    JsonNode get(String path, String token) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120))
                .header("Authorization", "Bearer " + token).GET().build();
        HttpResponse<String> res = http.send(r, HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) throw new IllegalStateException(path + " -> " + res.statusCode() + " " + res.body());
        return JSON.readTree(res.body());
    }

    JsonNode post(String path, String token, String body, int expect) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (!body.isEmpty()) b.header("Content-Type", "application/json");
        if (token != null) b.header("Authorization", "Bearer " + token);
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != expect) throw new IllegalStateException(path + " -> " + r.statusCode() + " " + r.body());
        return r.body().isEmpty() ? null : JSON.readTree(r.body());
    }
}
