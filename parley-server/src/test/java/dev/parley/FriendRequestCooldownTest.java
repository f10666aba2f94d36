package dev.parley;

import static dev.parley.testkit.ApiAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testkit.Api;
import dev.parley.testkit.Backend;
import dev.parley.testkit.ParleyServer;
import dev.parley.testkit.Users;
import dev.parley.testkit.Users.Device;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * After a decline, the sender waits {@code parley.friends.decline-cooldown} before asking the same user again: a
 * decline cannot be answered by a flood of new requests. On a server of its own with a 3 s cool-down, so that its
 * end can be seen; the shared server's 24 h default is checked in {@link FriendTest}.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class FriendRequestCooldownTest {
    static final Duration COOLDOWN = Duration.ofSeconds(3);
    private static final Map<Backend, ParleyServer> SERVERS = new EnumMap<>(Backend.class);

    @Parameter
    Backend backend;

    Users users;
    Api api;

    static synchronized ParleyServer server(Backend backend) {
        return SERVERS.computeIfAbsent(backend, b -> {
            try {
                return ParleyServer.dedicated(b, Map.of("parley.friends.decline-cooldown", COOLDOWN.toSeconds() + "s"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @AfterAll
    static synchronized void stopServers() {
        SERVERS.values().forEach(ParleyServer::stop);
        SERVERS.clear();
    }

    @BeforeEach
    void setUp() {
        users = new Users(server(backend));
        api = users.api();
    }

    private Api.Response ask(Device from, Device to) {
        return api.post("/api/v1/friends/requests", from.accessToken(), Map.of("userId", to.user().id(), "note", "hi"));
    }

    private void decline(Device by, Api.Response request) {
        assertThat(request.status()).as(request.raw()).isEqualTo(201);
        Api.Response r = api.post("/api/v1/friends/requests/" + request.body().get("id").asLong() + "/decline", by.accessToken(), null);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
    }

    @Test
    void aDeclinedSenderIsRefusedUntilTheCooldownEndsThenMayAskOnce() {
        Device alice = users.newUserDevice("cd_alice");
        Device bob = users.newUserDevice("cd_bob");
        Api.Response first = ask(alice, bob);
        long beforeDecline = System.nanoTime();
        decline(bob, first);

        // Repeated at once: each refused, nothing reaches bob.
        for (int i = 0; i < 5; i++) {
            Api.Response again = ask(alice, bob);
            assertError(again, 429, "request_cooldown");
            assertThat(again.body().get("retryAfter").asLong()).isBetween(1L, COOLDOWN.toSeconds());
        }
        assertThat(api.get("/api/v1/friends/requests", bob.accessToken()).body()).isEmpty();

        // Ask until it goes through: that must not happen before the cool-down has passed.
        Api.Response later = pollUntilAccepted(alice, bob);
        // (Less 10 ms: the server counts in whole milliseconds of its own clock.)
        assertThat(System.nanoTime() - beforeDecline).as("time from the decline to the next request")
                .isGreaterThanOrEqualTo(COOLDOWN.toNanos() - Duration.ofMillis(10).toNanos());
        assertThat(api.get("/api/v1/friends/requests", bob.accessToken()).body()).hasSize(1);
        assertThat(later.body().get("status").asString()).isEqualTo("pending");
    }

    @Test
    void aBlockChangesNothingTheDeclinedSenderCanSee() {
        Device alice = users.newUserDevice("cd_blk_alice");
        Device bob = users.newUserDevice("cd_blk_bob");
        Device carol = users.newUserDevice("cd_blk_carol");
        Device dave = users.newUserDevice("cd_blk_dave");
        // Bob declines and blocks alice; carol declines dave and does not block: the two senders see the same.
        decline(bob, ask(alice, bob));
        assertThat(api.put("/api/v1/blocks/" + alice.user().id(), bob.accessToken()).status()).isEqualTo(204);
        decline(carol, ask(dave, carol));
        Api.Response blocked = ask(alice, bob);
        Api.Response plain = ask(dave, carol);
        assertError(blocked, 429, "request_cooldown");
        assertError(plain, 429, "request_cooldown");
        assertThat(blocked.body().get("message").asString()).isEqualTo(plain.body().get("message").asString());
        // After the cool-down both are accepted as pending; bob never sees alice's (ADR 0004), carol sees dave's.
        assertThat(pollUntilAccepted(alice, bob).body().get("status").asString()).isEqualTo("pending");
        assertThat(pollUntilAccepted(dave, carol).body().get("status").asString()).isEqualTo("pending");
        assertThat(api.get("/api/v1/friends/requests", bob.accessToken()).body()).isEmpty();
        assertThat(api.get("/api/v1/friends/requests", carol.accessToken()).body()).hasSize(1);
    }

    @Test
    void aLaterRequestTheOtherWayEndsTheCooldown() {
        Device alice = users.newUserDevice("cd_back_alice");
        Device bob = users.newUserDevice("cd_back_bob");
        decline(bob, ask(alice, bob));
        assertError(ask(alice, bob), 429, "request_cooldown");
        // Bob asks after all; alice says yes by asking back (which accepts his), and later they part.
        Api.Response bobAsks = ask(bob, alice);
        assertThat(bobAsks.status()).as(bobAsks.raw()).isEqualTo(201);
        Api.Response yes = ask(alice, bob);
        assertThat(yes.status()).as(yes.raw()).isEqualTo(201);
        assertThat(yes.body().get("status").asString()).isEqualTo("accepted");
        assertThat(api.delete("/api/v1/friends/" + alice.user().id(), bob.accessToken()).status()).isEqualTo(204);
        // The old decline no longer holds alice back.
        Api.Response again = ask(alice, bob);
        assertThat(again.status()).as(again.raw()).isEqualTo(201);
    }

    /** Asks every 100 ms until a request is created (the cool-down has passed); fails after twice the cool-down. */
    private Api.Response pollUntilAccepted(Device from, Device to) {
        long deadline = System.nanoTime() + COOLDOWN.multipliedBy(2).toNanos();
        while (true) {
            Api.Response r = ask(from, to);
            if (r.status() == 201) return r;
            assertError(r, 429, "request_cooldown");
            assertThat(System.nanoTime()).as("the cool-down ended in time").isLessThan(deadline);
            try {
                Thread.sleep(100); // between polls of the server, not in place of them
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
