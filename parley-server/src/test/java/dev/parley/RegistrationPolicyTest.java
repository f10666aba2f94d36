package dev.parley;

import static dev.parley.testkit.ApiAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testkit.Api;
import dev.parley.testkit.Backend;
import dev.parley.testkit.ParleyServer;
import dev.parley.testkit.RawHttp;
import dev.parley.testkit.Users;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * Who may sign up: open registration is limited per client address; invite-only servers need a registration token
 * whose uses are counted atomically (the last use goes to exactly one of many racing sign-ups); closed servers take
 * nobody. Tokens are created by admins, and by other users only when allowed and within caps.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class RegistrationPolicyTest {
    private static final String BOOTSTRAP = "bootstrap-secret-0123456789";

    @Parameter
    Backend backend;

    @Test
    void openRegistrationTakesAtMostFivePerAddressPerHour() throws Exception {
        ParleyServer s = ParleyServer.dedicatedWithProductionLimits(backend, Map.of());
        try {
            Api a = new Api(s);
            assertThat(a.get("/api/v1/registration", null).body().get("mode").asString()).isEqualTo("open");
            // Refused input costs nothing from the allowance.
            assertError(register(a, "x", null), 400, "invalid_username");
            for (int i = 0; i < 5; i++) assertThat(register(a, Users.freshName("burst"), null).status()).isEqualTo(201);
            Api.Response sixth = assertError(register(a, Users.freshName("burst"), null), 429, "rate_limited");
            assertThat(sixth.body().get("retryAfter").asLong()).isBetween(1L, 3600L);
            RawHttp.Response sixthRaw = new RawHttp(s, "127.0.0.1").post("/api/v1/accounts", null, body(Users.freshName("burst"), null), Map.of());
            assertThat(sixthRaw.header("Retry-After")).isNotNull();
            // Another address is not affected.
            RawHttp other = new RawHttp(s, "127.0.0.2");
            assertThat(other.post("/api/v1/accounts", null, body(Users.freshName("elsewhere"), null), Map.of()).status()).isEqualTo(201);
        } finally {
            s.stop();
        }
    }

    @Test
    void closedRegistrationTakesNobody() throws Exception {
        ParleyServer s = ParleyServer.dedicated(backend, Map.of("parley.registration.mode", "closed"));
        try {
            Api a = new Api(s);
            assertThat(a.get("/api/v1/registration", null).body().get("mode").asString()).isEqualTo("closed");
            assertError(register(a, Users.freshName("late"), null), 403, "registration_closed");
            assertError(register(a, Users.freshName("late"), BOOTSTRAP), 403, "registration_closed");
        } finally {
            s.stop();
        }
    }

    @Test
    void inviteOnlyNeedsAUsableTokenAndUsesItUp() throws Exception {
        ParleyServer s = invite(Map.of());
        try {
            Api a = new Api(s);
            assertThat(a.get("/api/v1/registration", null).body().get("mode").asString()).isEqualTo("invite");
            String admin = adminToken(s);
            assertError(register(a, Users.freshName("free"), null), 403, "registration_token_invalid");
            assertError(register(a, Users.freshName("free"), "no-such-token"), 403, "registration_token_invalid");
            assertError(register(a, Users.freshName("free"), "x".repeat(300)), 403, "registration_token_invalid");

            JsonNode two = created(a.post("/api/v1/registration-tokens", admin, Map.of("maxUses", 2, "expiresIn", 3600)));
            String token = two.get("token").asString();
            assertThat(two.get("maxUses").asInt()).isEqualTo(2);
            assertThat(two.get("uses").asInt()).isZero();
            String first = Users.freshName("invited");
            assertThat(register(a, first, token).status()).isEqualTo(201);
            // A taken username is refused and does not spend a use.
            assertError(register(a, first, token), 409, "username_taken");
            assertThat(register(a, Users.freshName("invited"), token).status()).isEqualTo(201);
            assertError(register(a, Users.freshName("invited"), token), 403, "registration_token_invalid");
            JsonNode listed = find(a.get("/api/v1/registration-tokens", admin).body(), token);
            assertThat(listed.get("uses").asInt()).isEqualTo(2);
            assertThat(listed.get("usable").asBoolean()).isFalse();

            // Revoked: refused, and gone from the list.
            String revoked = created(a.post("/api/v1/registration-tokens", admin, Map.of())).get("token").asString();
            assertThat(a.delete("/api/v1/registration-tokens/" + revoked, admin).status()).isEqualTo(204);
            assertError(register(a, Users.freshName("invited"), revoked), 403, "registration_token_invalid");
            assertThat(find(a.get("/api/v1/registration-tokens", admin).body(), revoked)).isNull();
            assertError(a.delete("/api/v1/registration-tokens/" + revoked, admin), 404, "not_found");

            // Expired: a token of one second. Its expiry is the thing under test: poll until the server says so.
            String brief = created(a.post("/api/v1/registration-tokens", admin, Map.of("expiresIn", 1))).get("token").asString();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (find(a.get("/api/v1/registration-tokens", admin).body(), brief).get("usable").asBoolean()) {
                assertThat(System.nanoTime()).as("the token expired in time").isLessThan(deadline);
            }
            assertError(register(a, Users.freshName("invited"), brief), 403, "registration_token_invalid");

            // Ordinary users may not create or list tokens here (users-may-create-tokens is off by default).
            String user = login(a, register(a, Users.freshName("plain"), BOOTSTRAP));
            assertError(a.post("/api/v1/registration-tokens", user, Map.of()), 403, "forbidden");
            assertError(a.get("/api/v1/registration-tokens", user), 403, "forbidden");
            assertError(a.post("/api/v1/registration-tokens", null, Map.of()), 401, "unauthorized");
        } finally {
            s.stop();
        }
    }

    @Test
    void usersMayCreateTokensWhenAllowedWithinTheirCaps() throws Exception {
        ParleyServer s = invite(Map.of("parley.registration.users-may-create-tokens", true,
                "parley.registration.max-tokens-per-user", 2, "parley.registration.max-uses-per-user-token", 3));
        try {
            Api a = new Api(s);
            String admin = adminToken(s);
            String adminsToken = created(a.post("/api/v1/registration-tokens", admin, Map.of())).get("token").asString();
            String user = login(a, register(a, Users.freshName("inviter"), BOOTSTRAP));

            assertError(a.post("/api/v1/registration-tokens", user, Map.of("maxUses", 4)), 400, "invalid_field");
            assertError(a.post("/api/v1/registration-tokens", user, Map.of("expiresIn", 30L * 86_400)), 400, "invalid_field");
            JsonNode one = created(a.post("/api/v1/registration-tokens", user, Map.of()));
            assertThat(one.get("maxUses").asInt()).as("a user's token is single-use by default").isEqualTo(1);
            assertThat(one.get("expiresAt").asLong()).isPositive();
            JsonNode two = created(a.post("/api/v1/registration-tokens", user, Map.of("maxUses", 3)));
            assertError(a.post("/api/v1/registration-tokens", user, Map.of()), 409, "registration_token_limit");

            // Own tokens only; other people's cannot be revoked.
            List<String> mine = new ArrayList<>();
            a.get("/api/v1/registration-tokens", user).body().forEach(t -> mine.add(t.get("token").asString()));
            assertThat(mine).containsExactlyInAnyOrder(one.get("token").asString(), two.get("token").asString());
            assertError(a.delete("/api/v1/registration-tokens/" + adminsToken, user), 404, "not_found");
            assertThat(register(a, Users.freshName("guest"), adminsToken).status()).isEqualTo(201);

            // A used-up token no longer counts towards the cap; a revoked one neither.
            assertThat(register(a, Users.freshName("guest"), one.get("token").asString()).status()).isEqualTo(201);
            created(a.post("/api/v1/registration-tokens", user, Map.of()));
            assertError(a.post("/api/v1/registration-tokens", user, Map.of()), 409, "registration_token_limit");
            assertThat(a.delete("/api/v1/registration-tokens/" + two.get("token").asString(), user).status()).isEqualTo(204);
            created(a.post("/api/v1/registration-tokens", user, Map.of()));
        } finally {
            s.stop();
        }
    }

    @Test
    void racingSignUpsForTheLastUseLetExactlyOneIn() throws Exception {
        ParleyServer s = invite(Map.of());
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            Api a = new Api(s);
            String admin = adminToken(s);
            String token = created(a.post("/api/v1/registration-tokens", admin, Map.of("maxUses", 3))).get("token").asString();
            assertThat(register(a, Users.freshName("early"), token).status()).isEqualTo(201);
            assertThat(register(a, Users.freshName("early"), token).status()).isEqualTo(201);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Api.Response>> racers = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                String name = Users.freshName("racer");
                racers.add(pool.submit(() -> {
                    go.await();
                    return register(a, name, token);
                }));
            }
            go.countDown();
            int in = 0;
            for (Future<Api.Response> f : racers) {
                Api.Response r = f.get();
                if (r.status() == 201) in++;
                else assertError(r, 403, "registration_token_invalid");
            }
            assertThat(in).isEqualTo(1);
            assertThat(find(a.get("/api/v1/registration-tokens", admin).body(), token).get("uses").asInt()).isEqualTo(3);
        } finally {
            pool.shutdownNow();
            s.stop();
        }
    }

    /** An invite-only server whose admin is "boss_" plus the run's suffix, signed up with the bootstrap token. */
    private ParleyServer invite(Map<String, Object> extra) throws Exception {
        Map<String, Object> settings = new HashMap<>(extra);
        settings.put("parley.registration.mode", "invite");
        settings.put("parley.registration.admins", "boss");
        settings.put("parley.registration.bootstrap-token", BOOTSTRAP);
        return ParleyServer.dedicated(backend, settings);
    }

    private static String adminToken(ParleyServer s) {
        Api a = new Api(s);
        assertThat(register(a, "boss", BOOTSTRAP).status()).isEqualTo(201);
        return login(a, "boss");
    }

    private static String login(Api a, Object usernameOrResponse) {
        String username = usernameOrResponse instanceof Api.Response r ? r.body().get("username").asString() : (String) usernameOrResponse;
        Api.Response r = a.post("/api/v1/auth/login", null, Map.of("username", username, "password", Users.PASSWORD));
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        return r.body().get("accessToken").asString();
    }

    private static Api.Response register(Api a, String username, String token) {
        return a.post("/api/v1/accounts", null, body(username, token));
    }

    private static Map<String, Object> body(String username, String token) {
        Map<String, Object> b = new HashMap<>(Map.of("username", username, "password", Users.PASSWORD));
        if (token != null) b.put("token", token);
        return b;
    }

    private static JsonNode created(Api.Response r) {
        assertThat(r.status()).as(r.raw()).isEqualTo(201);
        return r.body();
    }

    private static JsonNode find(JsonNode list, String token) {
        for (JsonNode t : list) if (t.get("token").asString().equals(token)) return t;
        return null;
    }
}
