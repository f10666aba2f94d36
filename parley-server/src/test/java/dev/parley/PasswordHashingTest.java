package dev.parley;

import static dev.parley.testkit.ApiAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testkit.Api;
import dev.parley.testkit.Backend;
import dev.parley.testkit.ParleyServer;
import dev.parley.testkit.Users;
import dev.parley.testkit.WsClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Argon2 runs on a bounded pool of its own: a burst of sign-ups does not slow other users' messages, and hashing
 * requests past the pool's queue are refused with {@code rate_limited} instead of piling up. The database plays no
 * part here, so SQLite only.
 */
class PasswordHashingTest {

    @Test
    void aSignUpBurstDoesNotSlowOtherUsersMessages() throws Exception {
        // Production hashing cost and pool; only the per-address sign-up limit is lifted, so that every sign-up hashes.
        ParleyServer s = ParleyServer.dedicatedWithProductionLimits(Backend.SQLITE, Map.of(
                "parley.security.argon2-memory-kib", 19456, "parley.registration.max-per-address", 1_000_000));
        ExecutorService burst = Executors.newFixedThreadPool(48);
        AtomicBoolean stop = new AtomicBoolean();
        try {
            Users us = new Users(s);
            Users.Device alice = us.newUserDevice("alice");
            Users.Device bob = us.newUserDevice("bob");
            us.befriend(alice, bob);
            try (WsClient ws = WsClient.connect(s, alice.accessToken())) {
                ws.await("hello");
                send(ws, bob.user().id(), "warm up");

                AtomicInteger created = new AtomicInteger();
                AtomicInteger refused = new AtomicInteger();
                List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
                Api api = us.api();
                for (int t = 0; t < 48; t++) {
                    burst.submit(() -> {
                        while (!stop.get()) {
                            Api.Response r = api.post("/api/v1/accounts", null,
                                    Map.of("username", Users.freshName("flood"), "password", Users.PASSWORD));
                            if (r.status() == 201) created.incrementAndGet();
                            else if ("rate_limited".equals(r.code())) refused.incrementAndGet();
                            else unexpected.add(r.raw());
                        }
                    });
                }
                // Until the burst is really hashing.
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (created.get() < 4) assertThat(System.nanoTime()).as("sign-ups under way").isLessThan(deadline);

                List<Long> millis = new ArrayList<>();
                for (int i = 0; i < 25; i++) {
                    long start = System.nanoTime();
                    send(ws, bob.user().id(), "during the burst " + i);
                    millis.add((System.nanoTime() - start) / 1_000_000);
                }
                stop.set(true);
                Collections.sort(millis);
                long median = millis.get(millis.size() / 2);
                assertThat(median).as("median send→ack during a sign-up burst, all: %s (sign-ups %d, refused %d)",
                        millis, created.get(), refused.get()).isLessThan(200);
                assertThat(unexpected).isEmpty();
            }
        } finally {
            stop.set(true);
            burst.shutdown();
            burst.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS);
            s.stop();
        }
    }

    @Test
    void hashingPastTheQueueIsRefusedWithRateLimited() throws Exception {
        // One slow hash at a time, two callers may wait 300 ms: a burst of twelve logins cannot all be served.
        ParleyServer s = ParleyServer.dedicatedWithProductionLimits(Backend.SQLITE, Map.of(
                "parley.security.argon2-memory-kib", 32768,
                "parley.password-hashing.max-concurrent", 1, "parley.password-hashing.max-queued", 2,
                "parley.password-hashing.max-wait", "300ms"));
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            Users us = new Users(s);
            Users.User u = us.register("busy");
            Api api = us.api();
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Api.Response>> logins = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                logins.add(pool.submit(() -> {
                    go.await();
                    return api.post("/api/v1/auth/login", null, Map.of("username", u.username(), "password", Users.PASSWORD));
                }));
            }
            long start = System.nanoTime();
            go.countDown();
            int ok = 0, refused = 0;
            for (Future<Api.Response> f : logins) {
                Api.Response r = f.get();
                if (r.status() == 200) {
                    ok++;
                } else {
                    assertError(r, 429, "rate_limited");
                    assertThat(r.body().get("retryAfter").asLong()).isPositive();
                    refused++;
                }
            }
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            assertThat(ok).as("the hashes that got a slot were served").isPositive();
            assertThat(refused).as("the rest were refused, not queued without end").isPositive();
            assertThat(ok + refused).isEqualTo(12);
            assertThat(seconds).as("nothing piled up").isLessThan(10);
            // Once the burst is over, hashing works as before.
            assertThat(api.post("/api/v1/auth/login", null, Map.of("username", u.username(), "password", Users.PASSWORD)).status()).isEqualTo(200);
        } finally {
            pool.shutdownNow();
            s.stop();
        }
    }

    private static void send(WsClient ws, long to, String text) {
        JsonNode ack = ws.request(Map.of("type", "send", "to", to, "clientMsgId", Users.freshName("m"), "text", text));
        assertThat(ack.get("type").asString()).as(ack.toString()).isEqualTo("ack");
    }
}
