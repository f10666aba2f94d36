package dev.parley;

import static dev.parley.testkit.ApiAssertions.assertCleanError;
import static dev.parley.testkit.ApiAssertions.assertError;
import static dev.parley.testkit.ApiAssertions.assertNoStackTrace;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import dev.parley.testkit.Api;
import dev.parley.testkit.Backend;
import dev.parley.testkit.OnBothDatabases;
import dev.parley.testkit.ParleyServer;
import dev.parley.testkit.Tokens;
import dev.parley.testkit.Users;
import dev.parley.testkit.Users.Device;
import dev.parley.testkit.Users.User;
import dev.parley.testkit.WsClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * Accounts over real HTTP and WebSockets: registration rules, login and its throttles, refresh-token rotation and
 * reuse detection, logout, device sessions, password change, profile, user search, token checks, and that text is
 * kept byte-for-byte while errors never leak internals.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class AccountTest extends OnBothDatabases {

    // ---- registration ----

    @Test
    void registrationLowerCasesTheUsernameAndDefaultsTheDisplayNameToIt() {
        String name = Users.freshName("Reg");
        Api.Response r = register(name.toUpperCase(), null, Users.PASSWORD);
        assertThat(r.status()).as(r.raw()).isEqualTo(201);
        assertThat(r.body().get("id").asLong()).isPositive();
        assertThat(r.body().get("username").asString()).isEqualTo(name);
        assertThat(r.body().get("displayName").asString()).isEqualTo(name);
        assertThat(r.body().has("password")).isFalse();
        assertThat(r.raw()).doesNotContain("argon2");

        Api.Response empty = register(Users.freshName("reg_empty"), "", Users.PASSWORD);
        assertThat(empty.status()).as(empty.raw()).isEqualTo(201);
        assertThat(empty.body().get("displayName").asString()).isEqualTo(empty.body().get("username").asString());

        Api.Response named = register(Users.freshName("reg_named"), "Reg Named", Users.PASSWORD);
        assertThat(named.status()).as(named.raw()).isEqualTo(201);
        assertThat(named.body().get("displayName").asString()).isEqualTo("Reg Named");

        // The profile others see is the same, and logging in works with any letter case.
        Device d = users.login(new User(r.body().get("id").asLong(), name.toUpperCase()), "phone");
        Api.Response seen = api.get("/api/v1/users/" + named.body().get("id").asLong(), d.accessToken());
        assertThat(seen.status()).isEqualTo(200);
        assertThat(seen.body().get("username").asString()).isEqualTo(named.body().get("username").asString());
        assertThat(seen.body().get("displayName").asString()).isEqualTo("Reg Named");
    }

    @Test
    void usernamesAre3To32CharactersOfLowerCaseLettersDigitsUnderscoreAndDot() {
        // Fresh database per run and backend: these short names are used only here.
        assertThat(register("k.9", null, Users.PASSWORD).status()).isEqualTo(201);
        String longest = pad(Users.freshName("len"), 32);
        Api.Response ok = register(longest, null, Users.PASSWORD);
        assertThat(ok.status()).as(ok.raw()).isEqualTo(201);
        assertThat(ok.body().get("username").asString()).isEqualTo(longest);

        for (String bad : List.of("ab", "", pad(Users.freshName("len"), 33), "bad-name", "has space", "émile_x",
                "semi;colon", "<b>tag</b>", "a'b--", "tab\tname")) {
            assertError(register(bad, null, Users.PASSWORD), 400, "invalid_username");
        }
        Map<String, Object> noName = new HashMap<>();
        noName.put("password", Users.PASSWORD);
        assertError(api.post("/api/v1/accounts", null, noName), 400, "invalid_field");
    }

    @Test
    void usernamesAreUniqueWhateverTheLetterCase() {
        String name = Users.freshName("Alice");
        String mixed = "Alice" + name.substring("alice".length());
        assertThat(register(mixed, null, Users.PASSWORD).status()).isEqualTo(201);
        assertError(register(name, null, Users.PASSWORD), 409, "username_taken");
        assertError(register(name.toUpperCase(), "Someone else", "another password"), 409, "username_taken");
    }

    @Test
    void passwordsNeedAtLeast8Characters() {
        assertError(register(Users.freshName("weak"), null, "1234567"), 400, "weak_password");
        assertError(register(Users.freshName("weak"), null, ""), 400, "weak_password");
        // Four emoji are eight UTF-16 units but four characters.
        assertError(register(Users.freshName("weak"), null, "\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00"), 400, "weak_password");
        Map<String, Object> noPassword = new HashMap<>();
        noPassword.put("username", Users.freshName("weak"));
        assertError(api.post("/api/v1/accounts", null, noPassword), 400, "invalid_field");

        String name = Users.freshName("eight");
        assertThat(register(name, null, "12345678").status()).isEqualTo(201);
        assertThat(login(name, "12345678", "phone").status()).isEqualTo(200);
    }

    // ---- login ----

    @Test
    void loginReturnsTokensForANewDeviceSession() {
        User u = users.register("login");
        Api.Response r = login(u.username(), Users.PASSWORD, "my phone");
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        JsonNode b = r.body();
        assertThat(b.get("accessToken").asString()).isNotBlank();
        assertThat(b.get("refreshToken").asString()).isNotBlank();
        assertThat(b.get("expiresIn").asLong()).isPositive();
        assertThat(b.get("sessionId").asLong()).isPositive();
        assertThat(b.get("user").get("id").asLong()).isEqualTo(u.id());
        assertThat(b.get("user").get("username").asString()).isEqualTo(u.username());

        Api.Response me = api.get("/api/v1/me", b.get("accessToken").asString());
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.body().get("id").asLong()).isEqualTo(u.id());

        // A second login is a second, independent session.
        Api.Response again = login(u.username(), Users.PASSWORD, "my laptop");
        assertThat(again.body().get("sessionId").asLong()).isNotEqualTo(b.get("sessionId").asLong());
        assertThat(again.body().get("refreshToken").asString()).isNotEqualTo(b.get("refreshToken").asString());
    }

    @Test
    void aWrongPasswordAndAnUnknownUserGetTheSameAnswer() {
        User u = users.register("badpw");
        Api.Response wrong = assertError(login(u.username(), "not the password", "phone"), 401, "bad_credentials");
        Api.Response unknown = assertError(login(Users.freshName("nobody"), "not the password", "phone"), 401, "bad_credentials");
        assertThat(unknown.body().get("message").asString()).isEqualTo(wrong.body().get("message").asString());
        assertThat(login(u.username(), Users.PASSWORD, "phone").status()).isEqualTo(200);
    }

    @Test
    void anAddressIsThrottledAfterTooManyWrongPasswordsAcrossUsernames() throws Exception {
        ParleyServer s = ParleyServer.dedicated(backend, Map.of("parley.security.max-failed-logins-per-address", 4));
        try {
            Users us = new Users(s);
            Api a = us.api();
            User real = us.register("real");
            List<User> others = new ArrayList<>();
            for (int i = 0; i < 2; i++) others.add(us.register("other"));
            assertError(login(a, others.get(0).username(), "wrong one", "x"), 401, "bad_credentials");
            assertError(login(a, others.get(1).username(), "wrong one", "x"), 401, "bad_credentials");
            assertError(login(a, Users.freshName("ghost"), "wrong one", "x"), 401, "bad_credentials");
            assertError(login(a, Users.freshName("ghost"), "wrong one", "x"), 401, "bad_credentials");
            // Four failures from this address, one or none per username: now every login from here waits.
            assertError(login(a, real.username(), Users.PASSWORD, "phone"), 429, "too_many_attempts");
            assertError(login(a, Users.freshName("ghost"), "wrong one", "x"), 429, "too_many_attempts");
        } finally {
            s.stop();
        }
    }

    // ---- refresh, logout, sessions ----

    @Test
    void refreshRotatesAndReusingARotatedTokenRevokesTheWholeSession() {
        User u = users.register("refresh");
        Device phone = users.login(u, "phone");
        Device laptop = users.login(u, "laptop");
        WsClient ws = WsClient.connect(server, phone.accessToken());
        ws.await("hello");

        Api.Response first = api.post("/api/v1/auth/refresh", null, Map.of("refreshToken", phone.refreshToken()));
        assertThat(first.status()).as(first.raw()).isEqualTo(200);
        String r2 = first.body().get("refreshToken").asString();
        String a2 = first.body().get("accessToken").asString();
        assertThat(r2).isNotEqualTo(phone.refreshToken());
        assertThat(first.body().get("sessionId").asLong()).isEqualTo(phone.sessionId());
        assertThat(first.body().get("user").get("id").asLong()).isEqualTo(u.id());
        assertThat(first.body().get("expiresIn").asLong()).isPositive();
        assertThat(api.get("/api/v1/me", a2).status()).isEqualTo(200);

        Api.Response second = api.post("/api/v1/auth/refresh", null, Map.of("refreshToken", r2));
        assertThat(second.status()).as(second.raw()).isEqualTo(200);
        String r3 = second.body().get("refreshToken").asString();
        assertThat(r3).isNotEqualTo(r2);
        assertThat(ws.isClosed()).isFalse();

        // The first token again: stolen or replayed. The session ends, everywhere.
        assertError(api.post("/api/v1/auth/refresh", null, Map.of("refreshToken", phone.refreshToken())), 401, "token_revoked");
        assertThat(ws.awaitClose()).isEqualTo(4403);
        assertError(api.get("/api/v1/me", a2), 401, "token_revoked");
        assertError(api.get("/api/v1/me", phone.accessToken()), 401, "token_revoked");
        assertError(api.post("/api/v1/auth/refresh", null, Map.of("refreshToken", r3)), 401, "token_revoked");

        // Other devices of the same user are not touched.
        assertThat(api.get("/api/v1/me", laptop.accessToken()).status()).isEqualTo(200);
        assertThat(api.post("/api/v1/auth/refresh", null, Map.of("refreshToken", laptop.refreshToken())).status()).isEqualTo(200);
    }

    @Test
    void anUnknownOrMissingRefreshTokenIsRefused() {
        assertError(api.post("/api/v1/auth/refresh", null, Map.of("refreshToken", "not-a-token")), 401, "token_invalid");
        assertError(api.post("/api/v1/auth/refresh", null, Map.of()), 400, "invalid_field");
    }

    @Test
    void logoutRevokesTheSessionForRestAndWebSocket() {
        User u = users.register("logout");
        Device phone = users.login(u, "phone");
        Device laptop = users.login(u, "laptop");
        WsClient open = WsClient.connect(server, phone.accessToken());
        open.await("hello");

        Api.Response out = api.post("/api/v1/auth/logout", phone.accessToken(), null);
        assertThat(out.status()).as(out.raw()).isEqualTo(204);
        assertError(api.get("/api/v1/me", phone.accessToken()), 401, "token_revoked");
        assertThat(open.awaitClose()).isEqualTo(4403);
        assertError(api.post("/api/v1/auth/refresh", null, Map.of("refreshToken", phone.refreshToken())), 401, "token_revoked");
        assertError(api.post("/api/v1/auth/logout", phone.accessToken(), null), 401, "token_revoked");

        WsClient late = WsClient.connect(server, phone.accessToken());
        JsonNode error = late.await("error");
        assertThat(error.get("code").asString()).isEqualTo("token_revoked");
        assertThat(late.awaitClose()).isEqualTo(4401);
        assertThat(late.received("hello")).isEmpty();

        assertThat(api.get("/api/v1/me", laptop.accessToken()).status()).isEqualTo(200);
    }

    @Test
    void sessionsAreListedWithDeviceNamesAndWhichOneIsCurrent() {
        User u = users.register("sessions");
        Device phone = users.login(u, "Pixel <8> \"pro\"");
        Device laptop = users.login(u, "laptop");
        Api.Response r = api.get("/api/v1/me/sessions", laptop.accessToken());
        assertThat(r.status()).isEqualTo(200);
        Map<Long, JsonNode> byId = new HashMap<>();
        for (JsonNode s : r.body()) byId.put(s.get("id").asLong(), s);
        assertThat(byId).containsOnlyKeys(phone.sessionId(), laptop.sessionId());
        assertThat(byId.get(phone.sessionId()).get("deviceName").asString()).isEqualTo("Pixel <8> \"pro\"");
        assertThat(byId.get(phone.sessionId()).get("current").asBoolean()).isFalse();
        assertThat(byId.get(laptop.sessionId()).get("deviceName").asString()).isEqualTo("laptop");
        assertThat(byId.get(laptop.sessionId()).get("current").asBoolean()).isTrue();
        assertThat(byId.get(laptop.sessionId()).get("createdAt").asLong()).isPositive();
        assertThat(byId.get(laptop.sessionId()).get("lastSeenAt").asLong()).isPositive();

        // Seen from the phone, the phone is current.
        Api.Response fromPhone = api.get("/api/v1/me/sessions", phone.accessToken());
        for (JsonNode s : fromPhone.body()) {
            assertThat(s.get("current").asBoolean()).isEqualTo(s.get("id").asLong() == phone.sessionId());
        }
        // Over-long device names are cut to 200 characters, not refused.
        Device longName = users.login(u, "\u00e9".repeat(250));
        Api.Response withLong = api.get("/api/v1/me/sessions", longName.accessToken());
        String stored = null;
        for (JsonNode s : withLong.body()) if (s.get("id").asLong() == longName.sessionId()) stored = s.get("deviceName").asString();
        assertThat(stored).isEqualTo("\u00e9".repeat(200));

        // Another user sees only their own.
        Device other = users.newUserDevice("sessions_other");
        Api.Response theirs = api.get("/api/v1/me/sessions", other.accessToken());
        assertThat(theirs.body()).hasSize(1);
        assertThat(theirs.body().get(0).get("id").asLong()).isEqualTo(other.sessionId());
    }

    @Test
    void revokingAnotherSessionClosesItsWebSocket() {
        User u = users.register("revoke");
        Device phone = users.login(u, "phone");
        Device laptop = users.login(u, "laptop");
        Device stranger = users.newUserDevice("revoke_stranger");
        WsClient phoneWs = WsClient.connect(server, phone.accessToken());
        WsClient laptopWs = WsClient.connect(server, laptop.accessToken());
        phoneWs.await("hello");
        laptopWs.await("hello");

        // Someone else's session id is as unknown as a made-up one, and nothing happens to it.
        assertError(api.delete("/api/v1/me/sessions/" + phone.sessionId(), stranger.accessToken()), 404, "session_not_found");
        assertError(api.delete("/api/v1/me/sessions/999999999", laptop.accessToken()), 404, "session_not_found");
        assertThat(api.get("/api/v1/me", phone.accessToken()).status()).isEqualTo(200);

        Api.Response r = api.delete("/api/v1/me/sessions/" + phone.sessionId(), laptop.accessToken());
        assertThat(r.status()).as(r.raw()).isEqualTo(204);
        assertThat(phoneWs.awaitClose()).isEqualTo(4403);
        assertError(api.get("/api/v1/me", phone.accessToken()), 401, "token_revoked");
        // Its connection's close does not make the session count as live again (AccessTokens.closed).
        WsClient again = WsClient.connect(server, phone.accessToken());
        assertThat(again.awaitClose()).isEqualTo(4401);
        assertError(api.delete("/api/v1/me/sessions/" + phone.sessionId(), laptop.accessToken()), 404, "session_not_found");
        Api.Response left = api.get("/api/v1/me/sessions", laptop.accessToken());
        assertThat(left.body()).hasSize(1);
        assertThat(left.body().get(0).get("id").asLong()).isEqualTo(laptop.sessionId());

        // The revoking device stays connected and working.
        assertThat(laptopWs.request(Map.of("type", "ping")).get("type").asString()).isEqualTo("pong");
        laptopWs.close();
    }

    @Test
    void changingThePasswordRevokesEveryOtherSessionAndKeepsThisOne() {
        User u = users.register("chpw");
        Device current = users.login(u, "current");
        Device other = users.login(u, "other");
        WsClient otherWs = WsClient.connect(server, other.accessToken());
        otherWs.await("hello");

        assertError(api.post("/api/v1/me/password", current.accessToken(),
                Map.of("currentPassword", "not it at all", "newPassword", "brand new secret")), 401, "bad_credentials");
        assertError(api.post("/api/v1/me/password", current.accessToken(),
                Map.of("currentPassword", Users.PASSWORD, "newPassword", "short")), 400, "weak_password");
        // Failed attempts change nothing.
        assertThat(api.get("/api/v1/me", other.accessToken()).status()).isEqualTo(200);
        assertThat(otherWs.isClosed()).isFalse();

        Api.Response ok = api.post("/api/v1/me/password", current.accessToken(),
                Map.of("currentPassword", Users.PASSWORD, "newPassword", "brand new secret"));
        assertThat(ok.status()).as(ok.raw()).isEqualTo(204);
        assertThat(otherWs.awaitClose()).isEqualTo(4403);
        assertError(api.get("/api/v1/me", other.accessToken()), 401, "token_revoked");
        assertError(api.post("/api/v1/auth/refresh", null, Map.of("refreshToken", other.refreshToken())), 401, "token_revoked");

        assertThat(api.get("/api/v1/me", current.accessToken()).status()).isEqualTo(200);
        Api.Response refreshed = api.post("/api/v1/auth/refresh", null, Map.of("refreshToken", current.refreshToken()));
        assertThat(refreshed.status()).as(refreshed.raw()).isEqualTo(200);
        Api.Response sessions = api.get("/api/v1/me/sessions", current.accessToken());
        assertThat(sessions.body()).hasSize(1);
        assertThat(sessions.body().get(0).get("id").asLong()).isEqualTo(current.sessionId());

        assertError(login(u.username(), Users.PASSWORD, "again"), 401, "bad_credentials");
        assertThat(login(u.username(), "brand new secret", "again").status()).isEqualTo(200);
    }

    // ---- profile ----

    @Test
    void displayNamesRefuseBidiControlsAndInvisibleCharacters() {
        Device d = users.newUserDevice("bidi");
        // Overrides, embeddings and isolates (Trojan Source), bidi marks, controls, zero-width and blank-looking fillers.
        for (String bad : List.of("admin\u202Egnp.exe", "\u202Aa", "\u202Bb", "\u202Cc", "\u202Dd", "e\u2066x", "\u2067f", "\u2068g",
                "h\u2069", "mark\u200F", "mark\u200E", "tab\tname", "new\nline", "bell\u0007", "zero\u200Bwidth", "bom\uFEFF",
                "soft\u00ADhyphen", "\u3164", "line\u2028sep", "\u2060joined")) {
            Api.Response r = assertError(api.patch("/api/v1/me", d.accessToken(), Map.of("displayName", bad)), 400, "invalid_field");
            assertThat(r.body().get("message").asString()).contains("displayName");
            assertError(register(Users.freshName("bidi"), bad, Users.PASSWORD), 400, "invalid_field");
        }
        assertThat(api.get("/api/v1/me", d.accessToken()).body().get("displayName").asString()).isEqualTo("bidi");
        // Emoji sequences with joiners and variation selectors, right-to-left and combining scripts are fine.
        for (String ok : List.of("\uD83D\uDC69\u200D\uD83D\uDCBB Ada", "\u05E9\u05DC\u05D5\u05DD", "\u0645\u0631\u062D\u0628\u0627",
                "\u2764\uFE0F", "\u0928\u092E\u0938\u094D\u200D\u0924\u0947", "Zo\u00EB \u674E")) {
            Api.Response r = api.patch("/api/v1/me", d.accessToken(), Map.of("displayName", ok));
            assertThat(r.status()).as(r.raw()).isEqualTo(200);
            assertThat(r.body().get("displayName").asString()).isEqualTo(ok);
        }
    }


    @Test
    void theDisplayNameCanBeReadAndChangedWithinItsLimits() {
        Device d = users.newUserDevice("profile");
        Api.Response me = api.get("/api/v1/me", d.accessToken());
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.body().get("username").asString()).isEqualTo(d.user().username());
        assertThat(me.body().get("displayName").asString()).isEqualTo("profile");

        Api.Response renamed = api.patch("/api/v1/me", d.accessToken(), Map.of("displayName", "Prof. Ile"));
        assertThat(renamed.status()).as(renamed.raw()).isEqualTo(200);
        assertThat(renamed.body().get("displayName").asString()).isEqualTo("Prof. Ile");
        assertThat(renamed.body().get("username").asString()).isEqualTo(d.user().username());
        Device other = users.newUserDevice("profile_viewer");
        assertThat(api.get("/api/v1/users/" + d.user().id(), other.accessToken()).body().get("displayName").asString())
                .isEqualTo("Prof. Ile");

        assertError(api.patch("/api/v1/me", d.accessToken(), Map.of("displayName", "   ")), 400, "invalid_field");
        assertError(api.patch("/api/v1/me", d.accessToken(), Map.of("displayName", "")), 400, "invalid_field");
        assertError(api.patch("/api/v1/me", d.accessToken(), Map.of("displayName", "x".repeat(65))), 400, "invalid_field");
        assertError(api.patch("/api/v1/me", d.accessToken(), Map.of()), 400, "invalid_field");
        assertError(register(Users.freshName("toolong"), "y".repeat(65), Users.PASSWORD), 400, "invalid_field");
        assertThat(api.get("/api/v1/me", d.accessToken()).body().get("displayName").asString()).isEqualTo("Prof. Ile");

        // The limit counts characters: 64 of them fit, even outside the BMP (128 UTF-16 units).
        String sixtyFour = "\uD83D\uDE00".repeat(64);
        Api.Response emoji = api.patch("/api/v1/me", d.accessToken(), Map.of("displayName", sixtyFour));
        assertThat(emoji.status()).as(emoji.raw()).isEqualTo(200);
        assertThat(api.get("/api/v1/me", d.accessToken()).body().get("displayName").asString()).isEqualTo(sixtyFour);
        assertThat(api.patch("/api/v1/me", d.accessToken(), Map.of("displayName", "z".repeat(64))).status()).isEqualTo(200);

        assertError(api.get("/api/v1/users/999999999", d.accessToken()), 404, "user_not_found");
    }

    @Test
    void textInDisplayNamesIsKeptByteForByte() {
        Device viewer = users.newUserDevice("viewer");
        List<String> names = List.of(
                "<script>alert(1)</script>",
                "'); DROP TABLE users;--",
                "\u05E9\u05DC\u05D5\u05DD mixed \u0645\u0631\u062D\u0628\u0627 123",
                "\"quoted\" \\back\\slash\\ %_ ${x} {{y}}",
                "e\u0301 combining, \uD83C\uDFF3\uFE0F\u200D\uD83C\uDF08 flag",
                "日本語 ✓ \uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67");
        for (String name : names) {
            Api.Response r = register(Users.freshName("bytes"), name, Users.PASSWORD);
            assertThat(r.status()).as(r.raw()).isEqualTo(201);
            assertThat(r.body().get("displayName").asString()).isEqualTo(name);
            long id = r.body().get("id").asLong();
            assertThat(api.get("/api/v1/users/" + id, viewer.accessToken()).body().get("displayName").asString()).isEqualTo(name);

            Api.Response renamed = api.patch("/api/v1/me", viewer.accessToken(), Map.of("displayName", name));
            assertThat(renamed.status()).as(renamed.raw()).isEqualTo(200);
            assertThat(api.get("/api/v1/me", viewer.accessToken()).body().get("displayName").asString()).isEqualTo(name);
        }
        // The users table is still there.
        assertThat(login(viewer.user().username(), Users.PASSWORD, "again").status()).isEqualTo(200);
    }

    @Test
    void nulCharactersAndUnpairedSurrogatesAreRefused() {
        Device d = users.newUserDevice("nul");
        assertError(register(Users.freshName("nul"), "before\u0000after", Users.PASSWORD), 400, "invalid_field");
        assertError(api.patch("/api/v1/me", d.accessToken(), Map.of("displayName", "a\u0000")), 400, "invalid_field");
        Api.Response surrogate = api.send("PATCH", "/api/v1/me", d.accessToken(), "{\"displayName\":\"a\\ud800b\"}", "application/json");
        assertError(surrogate, 400, "invalid_field");
        assertThat(api.get("/api/v1/me", d.accessToken()).body().get("displayName").asString()).isEqualTo("nul");
    }

    // ---- user search ----

    @Test
    void searchFindsUsernameAndDisplayNamePrefixesPageByPage() {
        Device me = users.newUserDevice("searcher");
        String prefix = Users.freshName("srch");
        List<String> names = new ArrayList<>();
        for (String suffix : List.of("d", "a", "e", "c", "b")) {
            String n = prefix + suffix;
            assertThat(register(n, "Someone", Users.PASSWORD).status()).isEqualTo(201);
            names.add(n);
        }
        names.sort(String::compareTo);

        List<String> seen = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            Api.Response page = api.get("/api/v1/users?q=" + enc(prefix) + "&limit=2" + (after == null ? "" : "&after=" + enc(after)),
                    me.accessToken());
            assertThat(page.status()).as(page.raw()).isEqualTo(200);
            List<String> items = usernames(page.body().get("items"));
            assertThat(items.size()).isBetween(1, 2);
            seen.addAll(items);
            JsonNode next = page.body().get("next");
            after = next == null || next.isNull() ? null : next.asString();
            if (after != null) assertThat(after).isEqualTo(items.get(items.size() - 1));
            pages++;
        } while (after != null && pages < 10);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyElementsOf(names);

        // The query is case-insensitive, and one page may hold everything.
        Api.Response all = api.get("/api/v1/users?q=" + enc(prefix.toUpperCase()), me.accessToken());
        assertThat(usernames(all.body().get("items"))).containsExactlyElementsOf(names);
        assertThat(all.body().get("next") == null || all.body().get("next").isNull()).isTrue();

        // Display-name prefixes too, ignoring letter case.
        String display = "Zq" + prefix.replace("_", "") + " Smith";
        Api.Response shown = register(Users.freshName("shown"), display, Users.PASSWORD);
        Api.Response byDisplay = api.get("/api/v1/users?q=" + enc(display.substring(0, display.length() - 4).toLowerCase()), me.accessToken());
        assertThat(usernames(byDisplay.body().get("items"))).containsExactly(shown.body().get("username").asString());
        assertThat(byDisplay.body().get("items").get(0).get("displayName").asString()).isEqualTo(display);

        // Only prefixes: the middle of a name does not match.
        assertThat(api.get("/api/v1/users?q=" + enc(prefix.substring(2)), me.accessToken()).body().get("items")).isEmpty();
    }

    @Test
    void displayNameSearchIgnoresLetterCaseBeyondAscii() {
        Device me = users.newUserDevice("unicode");
        String tag = Users.freshName("t").replace("_", "");
        String display = "Élodie Ünal " + tag;
        Api.Response r = register(Users.freshName("uni"), display, Users.PASSWORD);
        String username = r.body().get("username").asString();
        for (String q : List.of("Élodie Ünal " + tag, "élodie ünal " + tag, "ÉLODIE ÜNAL " + tag.toUpperCase())) {
            assertThat(usernames(api.get("/api/v1/users?q=" + enc(q), me.accessToken()).body().get("items")))
                    .as("query %s", q).containsExactly(username);
        }
    }

    @Test
    void percentAndUnderscoreInTheQueryMatchLiterally() {
        Device me = users.newUserDevice("literal");
        String base = Users.freshName("lit");
        String under = base + "_x";
        String other = base + "ax";
        register(under, "plain", Users.PASSWORD);
        register(other, "plain", Users.PASSWORD);
        assertThat(usernames(api.get("/api/v1/users?q=" + enc(base + "_"), me.accessToken()).body().get("items")))
                .containsExactly(under);

        String tag = "Pc" + base.replace("_", "");
        Api.Response pct = register(Users.freshName("pct"), tag + "%off", Users.PASSWORD);
        Api.Response zed = register(Users.freshName("pct"), tag + "zoff", Users.PASSWORD);
        Api.Response slash = register(Users.freshName("pct"), tag + "\\off", Users.PASSWORD);
        assertThat(usernames(api.get("/api/v1/users?q=" + enc(tag + "%"), me.accessToken()).body().get("items")))
                .containsExactly(pct.body().get("username").asString());
        assertThat(usernames(api.get("/api/v1/users?q=" + enc(tag + "_off"), me.accessToken()).body().get("items"))).isEmpty();
        assertThat(usernames(api.get("/api/v1/users?q=" + enc(tag + "\\"), me.accessToken()).body().get("items")))
                .containsExactly(slash.body().get("username").asString());
        assertThat(usernames(api.get("/api/v1/users?q=" + enc(tag), me.accessToken()).body().get("items")))
                .containsExactlyInAnyOrder(pct.body().get("username").asString(), zed.body().get("username").asString(),
                        slash.body().get("username").asString());
        assertThat(api.get("/api/v1/users?q=" + enc("%"), me.accessToken()).body().get("items")).isEmpty();
    }

    @Test
    void searchChecksItsParameters() {
        Device me = users.newUserDevice("params");
        assertError(api.get("/api/v1/users", me.accessToken()), 400, "invalid_field");
        assertError(api.get("/api/v1/users?q=%20%20", me.accessToken()), 400, "invalid_field");
        assertError(api.get("/api/v1/users?q=a&limit=0", me.accessToken()), 400, "invalid_field");
        assertError(api.get("/api/v1/users?q=a&limit=51", me.accessToken()), 400, "invalid_field");
        assertError(api.get("/api/v1/users?q=a&limit=many", me.accessToken()), 400, "invalid_field");
        assertError(api.get("/api/v1/users?q=a%00", me.accessToken()), 400, "invalid_field");
        assertError(api.get("/api/v1/users?q=a&after=b%00", me.accessToken()), 400, "invalid_field");
        assertError(api.get("/api/v1/users?q=a", null), 401, "unauthorized");
        assertThat(api.get("/api/v1/users?q=a&limit=50", me.accessToken()).status()).isEqualTo(200);
    }

    // ---- tokens ----

    @Test
    void restRefusesMissingInvalidExpiredForgedAndRevokedTokens() {
        Device d = users.newUserDevice("tokens");
        long uid = d.user().id();
        long sid = d.sessionId();
        long now = System.currentTimeMillis();

        // The kit's tokens are good when nothing is wrong with them, so each failure below has one cause.
        assertThat(api.get("/api/v1/me", Tokens.sign(uid, sid, now, now + 600_000)).status()).isEqualTo(200);

        assertError(api.get("/api/v1/me", null), 401, "unauthorized");
        assertError(api.get("/api/v1/me", "not.a.jwt"), 401, "token_invalid");
        assertError(api.get("/api/v1/me", "garbage"), 401, "token_invalid");
        assertError(api.get("/api/v1/me", Tokens.sign(uid, sid, now - 7_200_000, now - 3_600_000)), 401, "token_expired");
        assertError(api.get("/api/v1/me", Tokens.sign("some-other-key-that-is-long-enough-0123456789", JWSAlgorithm.HS256,
                uid, sid, now, now + 600_000)), 401, "token_invalid");
        assertError(api.get("/api/v1/me", Tokens.sign(ParleyServer.SIGNING_KEY + "-and-more-to-reach-64-bytes-for-hs512-xxxxx",
                JWSAlgorithm.HS512, uid, sid, now, now + 600_000)), 401, "token_invalid");
        // Same claims, signature stripped and "alg" set to none.
        String good = Tokens.sign(uid, sid, now, now + 600_000);
        String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8))
                + "." + good.split("\\.")[1] + ".";
        assertError(api.get("/api/v1/me", none), 401, "token_invalid");
        // A tampered payload (someone else's user id) breaks the signature.
        String[] parts = good.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"sub\":\"" + uid + "\"", "\"sub\":\"" + (uid + 1) + "\"");
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];
        assertError(api.get("/api/v1/me", tampered), 401, "token_invalid");
        // Well signed, but the session is not this user's, or does not exist.
        assertError(api.get("/api/v1/me", Tokens.sign(uid + 1, sid, now, now + 600_000)), 401, "token_revoked");
        assertError(api.get("/api/v1/me", Tokens.sign(uid, 999_999_999L, now, now + 600_000)), 401, "token_revoked");
        // Another scheme is no bearer token.
        assertError(api.getWithAuthorization("/api/v1/me", "Basic dXNlcjpwYXNzd29yZA=="), 401, "unauthorized");
        assertThat(api.getWithAuthorization("/api/v1/me", "bearer " + good).status()).isEqualTo(200);
    }

    @Test
    void webSocketsRefuseBadTokensWithAnErrorFrameAnd4401() {
        Device d = users.newUserDevice("wstokens");
        long now = System.currentTimeMillis();
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("token_expired", Tokens.sign(d.user().id(), d.sessionId(), now - 7_200_000, now - 3_600_000));
        cases.put("token_invalid", Tokens.sign("some-other-key-that-is-long-enough-0123456789", JWSAlgorithm.HS256,
                d.user().id(), d.sessionId(), now, now + 600_000));
        for (var c : cases.entrySet()) {
            WsClient ws = WsClient.connect(server, c.getValue());
            assertThat(ws.await("error").get("code").asString()).isEqualTo(c.getKey());
            assertThat(ws.awaitClose()).isEqualTo(4401);
            assertThat(ws.received("hello")).isEmpty();
        }
        WsClient none = WsClient.connect(server, null);
        assertThat(none.await("error").get("code").asString()).isEqualTo("unauthorized");
        assertThat(none.awaitClose()).isEqualTo(4401);
    }

    // ---- errors never leak internals ----

    @Test
    void malformedRequestsGetCleanErrors() {
        Device d = users.newUserDevice("malformed");
        String t = d.accessToken();
        List<Api.Response> answers = List.of(
                api.postRaw("/api/v1/accounts", null, "{\"username\": ", "application/json"),
                api.postRaw("/api/v1/accounts", null, "", "application/json"),
                api.postRaw("/api/v1/accounts", null, "[1,2]", "application/json"),
                api.postRaw("/api/v1/accounts", null, "{\"username\": {\"x\": 1}, \"password\": \"p\"}", "application/json"),
                api.postRaw("/api/v1/auth/login", null, "username=a&password=b", "application/x-www-form-urlencoded"),
                api.postRaw("/api/v1/auth/login", null, "not json", "text/plain"),
                api.get("/api/v1/users/not-a-number", t),
                api.get("/api/v1/users/99999999999999999999999", t),
                api.get("/api/v1/no-such-thing", t),
                api.delete("/api/v1/me", t),
                api.get("/api/v1/me/sessions/abc", t),
                api.postRaw("/api/v1/me/password", t, "{\"currentPassword\": 12", "application/json"));
        for (Api.Response r : answers) {
            assertThat(r.status()).as(r.raw()).isBetween(400, 499);
            assertCleanError(r);
        }
        assertThat(answers.get(0).code()).isEqualTo("bad_json");
        assertThat(answers.get(3).code()).isEqualTo("invalid_field");
        assertThat(answers.get(6).code()).isEqualTo("invalid_field");
        assertThat(answers.get(8).status()).isEqualTo(404);
        assertThat(answers.get(9).status()).isEqualTo(405);
        assertThat(answers.get(5).status()).isEqualTo(415);

        // Successful answers do not carry internals either.
        for (Api.Response ok : List.of(api.get("/api/v1/me", t), api.get("/api/v1/me/sessions", t))) {
            assertThat(ok.status()).isEqualTo(200);
            assertNoStackTrace(ok.raw());
            assertThat(ok.raw()).doesNotContain("password", "hash", "argon2");
        }
    }

    // ---- helpers ----

    private Api.Response register(String username, String displayName, String password) {
        Map<String, Object> body = new HashMap<>();
        body.put("username", username);
        if (displayName != null) body.put("displayName", displayName);
        body.put("password", password);
        return api.post("/api/v1/accounts", null, body);
    }

    private Api.Response login(String username, String password, String device) {
        return login(api, username, password, device);
    }

    private static Api.Response login(Api a, String username, String password, String device) {
        return a.post("/api/v1/auth/login", null, Map.of("username", username, "password", password, "deviceName", device));
    }

    private static List<String> usernames(JsonNode items) {
        List<String> out = new ArrayList<>();
        for (JsonNode u : items) out.add(u.get("username").asString());
        return out;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String pad(String s, int length) {
        return s + "x".repeat(length - s.length());
    }
}
