package dev.parley;

import static dev.parley.testkit.ApiAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.account.internal.LoginThrottle;
import dev.parley.testkit.Api;
import dev.parley.testkit.Backend;
import dev.parley.testkit.ParleyServer;
import dev.parley.testkit.RawHttp;
import dev.parley.testkit.Users;
import dev.parley.testkit.Users.User;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Password guessing is slowed per (account, address) and per address, never by locking an account: a guesser on
 * another address (directly, or behind a trusted proxy) cannot keep the owner out; forwarded headers count only
 * from trusted proxies; the delays grow; and the throttle's memory stays bounded however many usernames fail.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class LoginThrottleTest {
    @Parameter
    Backend backend;

    @Test
    void guessesFromOtherAddressesDoNotLockTheOwnerOut() throws Exception {
        ParleyServer s = ParleyServer.dedicated(backend, Map.of());
        try {
            Users us = new Users(s);
            User victim = us.register("victim");
            // Six wrong passwords for the account, from two other addresses: the old per-account lockout (5) tripped here.
            for (String from : new String[] {"127.0.0.2", "127.0.0.3"}) {
                RawHttp attacker = new RawHttp(s, from);
                for (int i = 0; i < 3; i++) {
                    assertError(login(attacker, victim.username(), "guess " + i, Map.of()).api(), 401, "bad_credentials");
                }
                assertError(login(attacker, victim.username(), "guess more", Map.of()).api(), 429, "too_many_attempts");
            }
            Api.Response owner = loginApi(us.api(), victim.username(), Users.PASSWORD);
            assertThat(owner.status()).as(owner.raw()).isEqualTo(200);
        } finally {
            s.stop();
        }
    }

    @Test
    void delaysGrowPerAccountAndAddressAndTheRightPasswordWaitsToo() throws Exception {
        ParleyServer s = ParleyServer.dedicated(backend, Map.of());
        try {
            Users us = new Users(s);
            User victim = us.register("slowed");
            RawHttp guesser = new RawHttp(s, "127.0.0.2");
            for (int i = 0; i < 3; i++) assertError(login(guesser, victim.username(), "guess " + i, Map.of()).api(), 401, "bad_credentials");
            for (long expected : new long[] {1, 2}) {
                RawHttp.Response early = login(guesser, victim.username(), Users.PASSWORD, Map.of());
                assertError(early.api(), 429, "too_many_attempts");
                assertThat(early.body().get("retryAfter").asLong()).isEqualTo(expected);
                assertThat(early.header("Retry-After")).isEqualTo(Long.toString(expected));
                // The wait is the thing under test: poll until this pair may try again, and check it took that long.
                long start = System.nanoTime();
                RawHttp.Response next;
                do {
                    assertThat(System.nanoTime() - start).as("delay of %d s ended", expected).isLessThan(expected * 2_000_000_000L + 1_000_000_000L);
                    next = login(guesser, victim.username(), "guess again " + expected, Map.of());
                } while (next.status() == 429);
                assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(expected * 1_000_000_000L - 150_000_000L);
                assertError(next.api(), 401, "bad_credentials");
            }
            RawHttp.Response third = login(guesser, victim.username(), "guess", Map.of());
            assertError(third.api(), 429, "too_many_attempts");
            assertThat(third.body().get("retryAfter").asLong()).isEqualTo(4);
            // Meanwhile the owner, elsewhere, is not slowed at all.
            assertThat(loginApi(us.api(), victim.username(), Users.PASSWORD).status()).isEqualTo(200);
        } finally {
            s.stop();
        }
    }

    @Test
    void behindATrustedProxyEachForwardedClientIsCountedOnItsOwn() throws Exception {
        ParleyServer s = ParleyServer.dedicated(backend, Map.of("parley.network.trusted-proxies", "127.0.0.1"));
        try {
            Users us = new Users(s);
            User victim = us.register("proxied");
            RawHttp proxy = new RawHttp(s, "127.0.0.1");
            Map<String, String> attackerVia = Map.of("X-Forwarded-For", "203.0.113.9");
            // Enough failures through the proxy to trip both old limits (5 per account, 20 per address).
            for (int i = 0; i < 20; i++) {
                String name = i < 3 ? victim.username() : Users.freshName("ghost");
                assertError(login(proxy, name, "wrong " + i, attackerVia).api(), 401, "bad_credentials");
            }
            RawHttp.Response blocked = login(proxy, Users.freshName("ghost"), "wrong", attackerVia);
            assertError(blocked.api(), 429, "too_many_attempts");
            assertThat(blocked.body().get("retryAfter").asLong()).isPositive();
            // The owner comes through the same proxy from another address: in.
            RawHttp.Response owner = login(proxy, victim.username(), Users.PASSWORD, Map.of("X-Forwarded-For", "198.51.100.7"));
            assertThat(owner.status()).as(owner.raw()).isEqualTo(200);
            // Forwarded (RFC 7239) is read as well.
            assertThat(login(proxy, victim.username(), Users.PASSWORD, Map.of("Forwarded", "for=198.51.100.8")).status()).isEqualTo(200);
        } finally {
            s.stop();
        }
    }

    @Test
    void forwardedHeadersFromAnUntrustedPeerAreIgnored() throws Exception {
        ParleyServer s = ParleyServer.dedicated(backend, Map.of("parley.network.trusted-proxies", "127.0.0.1",
                "parley.security.max-failed-logins-per-address", 5));
        try {
            Users us = new Users(s);
            User victim = us.register("spoofed");
            RawHttp impostor = new RawHttp(s, "127.0.0.2");
            // A new X-Forwarded-For on every try does not make 127.0.0.2 five different clients.
            for (int i = 0; i < 5; i++) {
                assertError(login(impostor, Users.freshName("ghost"), "wrong", Map.of("X-Forwarded-For", "203.0.113." + i)).api(), 401, "bad_credentials");
            }
            assertError(login(impostor, Users.freshName("ghost"), "wrong", Map.of("X-Forwarded-For", "203.0.113.99")).api(), 429, "too_many_attempts");
            // Nor can it pass itself off as the owner's address to slow the owner down.
            for (int i = 0; i < 5; i++) login(impostor, victim.username(), "wrong", Map.of("X-Forwarded-For", "127.0.0.1"));
            assertThat(loginApi(us.api(), victim.username(), Users.PASSWORD).status()).isEqualTo(200);
        } finally {
            s.stop();
        }
    }

    @Test
    void manyFailedUsernamesDoNotGrowTheThrottlePastItsBound() throws Exception {
        ParleyServer s = ParleyServer.dedicated(backend, Map.of("parley.login.max-tracked", 50,
                "parley.security.max-failed-logins-per-address", 100_000));
        try {
            Api a = new Users(s).api();
            LoginThrottle throttle = s.bean(LoginThrottle.class);
            for (int i = 0; i < 200; i++) {
                assertError(loginApi(a, Users.freshName("nobody"), "wrong password"), 401, "bad_credentials");
                assertThat(throttle.tracked()).isLessThanOrEqualTo(51); // 50 pairs and the one address
            }
            int before = throttle.tracked();
            // A username far over any valid one is refused before it is remembered anywhere.
            String huge = "a".repeat(200_000);
            assertError(loginApi(a, huge, "wrong password"), 400, "invalid_username");
            assertError(loginApi(a, "x".repeat(33), "wrong password"), 400, "invalid_username");
            assertError(loginApi(a, "bad name!", "wrong password"), 400, "invalid_username");
            assertError(loginApi(a, Users.freshName("nobody"), "p".repeat(200_000)), 400, "invalid_field");
            assertThat(throttle.tracked()).isEqualTo(before);
        } finally {
            s.stop();
        }
    }

    private static RawHttp.Response login(RawHttp from, String username, String password, Map<String, String> headers) {
        return from.post("/api/v1/auth/login", null, Map.of("username", username, "password", password, "deviceName", "t"), headers);
    }

    private static Api.Response loginApi(Api a, String username, String password) {
        return a.post("/api/v1/auth/login", null, Map.of("username", username, "password", password, "deviceName", "t"));
    }
}
