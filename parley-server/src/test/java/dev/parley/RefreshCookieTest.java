package dev.parley;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testkit.Api;
import dev.parley.testkit.Backend;
import dev.parley.testkit.ParleyServer;
import dev.parley.testkit.RawHttp;
import dev.parley.testkit.Users;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Browsers keep the refresh token in an HttpOnly cookie; it rotates like the body token and dies on reuse. */
class RefreshCookieTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void loginWithCookieRotatesOnRefreshAndRevokesOnReuse() throws Exception {
        ParleyServer server = Backend.SQLITE.server();
        Users users = new Users(server);
        Users.User u = users.register("cookie");
        HttpResponse<String> login = post(server, "/api/v1/auth/login",
                "{\"username\":\"" + u.username() + "\",\"password\":\"" + Users.PASSWORD + "\",\"useCookie\":true}", null);
        assertThat(login.statusCode()).isEqualTo(200);
        JsonNode body = Api.JSON.readTree(login.body());
        assertThat(body.has("refreshToken")).as("the token is only in the cookie").isFalse();
        assertThat(body.get("accessToken").asString()).isNotBlank();
        String first = cookie(login);
        String setCookie = login.headers().firstValue("set-cookie").orElseThrow();
        assertThat(setCookie.toLowerCase()).contains("httponly");
        assertThat(setCookie).contains("SameSite=Strict").contains("Path=/api/v1/auth");

        HttpResponse<String> refreshed = post(server, "/api/v1/auth/refresh", "", first);
        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        String second = cookie(refreshed);
        assertThat(second).isNotEqualTo(first);
        String access = Api.JSON.readTree(refreshed.body()).get("accessToken").asString();
        assertThat(new Api(server).get("/api/v1/me", access).status()).isEqualTo(200);

        // The rotated cookie presented again: the device session is revoked and the cookie cleared.
        HttpResponse<String> replay = post(server, "/api/v1/auth/refresh", "", first);
        assertThat(replay.statusCode()).isEqualTo(401);
        assertThat(Api.JSON.readTree(replay.body()).get("code").asString()).isEqualTo("token_revoked");
        assertThat(replay.headers().firstValue("set-cookie").orElseThrow()).contains("Max-Age=0");
        assertThat(post(server, "/api/v1/auth/refresh", "", second).statusCode()).isEqualTo(401);
        assertThat(new Api(server).get("/api/v1/me", access).code()).isEqualTo("token_revoked");

        // No cookie and no body: unauthorized, not a crash.
        HttpResponse<String> none = post(server, "/api/v1/auth/refresh", "", null);
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(Api.JSON.readTree(none.body()).get("code").asString()).isEqualTo("invalid_field");
    }

    @Test
    void theCookieIsSecureWhenATrustedProxySaysTheClientCameOverHttps() throws Exception {
        ParleyServer s = ParleyServer.dedicated(Backend.SQLITE, Map.of("parley.network.trusted-proxies", "127.0.0.1"));
        try {
            Users.User u = new Users(s).register("securecookie");
            Map<String, Object> body = Map.of("username", u.username(), "password", Users.PASSWORD, "useCookie", true);
            RawHttp proxy = new RawHttp(s, "127.0.0.1");
            RawHttp.Response viaTls = proxy.post("/api/v1/auth/login", null, body, Map.of("X-Forwarded-Proto", "https"));
            assertThat(viaTls.status()).as(viaTls.raw()).isEqualTo(200);
            assertThat(setCookie(viaTls)).contains("; Secure");
            assertThat(setCookie(viaTls).toLowerCase()).contains("httponly");
            // Refresh and logout through the proxy keep and clear a Secure cookie.
            String token = setCookie(viaTls).substring("parley_refresh=".length(), setCookie(viaTls).indexOf(';'));
            RawHttp.Response refreshed = proxy.send("POST", "/api/v1/auth/refresh", null, null,
                    Map.of("X-Forwarded-Proto", "https", "Cookie", "parley_refresh=" + token));
            assertThat(refreshed.status()).as(refreshed.raw()).isEqualTo(200);
            assertThat(setCookie(refreshed)).contains("; Secure");
            assertThat(setCookie(proxy.post("/api/v1/auth/login", null, body, Map.of("Forwarded", "for=198.51.100.1;proto=https")))).contains("; Secure");

            // Plain http through the proxy: not Secure (the browser would not send it back over http).
            assertThat(setCookie(proxy.post("/api/v1/auth/login", null, body, Map.of("X-Forwarded-Proto", "http")))).doesNotContain("Secure");
            // The same header from a peer that is not a trusted proxy is ignored.
            RawHttp stranger = new RawHttp(s, "127.0.0.2");
            assertThat(setCookie(stranger.post("/api/v1/auth/login", null, body, Map.of("X-Forwarded-Proto", "https")))).doesNotContain("Secure");
        } finally {
            s.stop();
        }
    }

    @Test
    void aServerTrustingNoProxyIgnoresForwardedProto() {
        ParleyServer server = Backend.SQLITE.server();
        Users.User u = new Users(server).register("plaincookie");
        RawHttp.Response r = new RawHttp(server, "127.0.0.1").post("/api/v1/auth/login", null,
                Map.of("username", u.username(), "password", Users.PASSWORD, "useCookie", true), Map.of("X-Forwarded-Proto", "https"));
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(setCookie(r)).doesNotContain("Secure");
    }

    private static String setCookie(RawHttp.Response r) {
        return r.headers().getOrDefault("set-cookie", List.of()).stream().filter(c -> c.startsWith("parley_refresh=")).findFirst()
                .orElseThrow(() -> new AssertionError("no refresh cookie in " + r.headers()));
    }

    private HttpResponse<String> post(ParleyServer server, String path, String json, String cookie) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.http() + path))
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (!json.isEmpty()) b.header("Content-Type", "application/json");
        if (cookie != null) b.header("Cookie", "parley_refresh=" + cookie);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String cookie(HttpResponse<String> r) {
        List<String> all = r.headers().allValues("set-cookie");
        String c = all.stream().filter(s -> s.startsWith("parley_refresh=")).findFirst().orElseThrow();
        return c.substring("parley_refresh=".length(), c.indexOf(';'));
    }
}
