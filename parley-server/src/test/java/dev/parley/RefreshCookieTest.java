package dev.parley;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testkit.Api;
import dev.parley.testkit.Backend;
import dev.parley.testkit.ParleyServer;
import dev.parley.testkit.Users;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
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
