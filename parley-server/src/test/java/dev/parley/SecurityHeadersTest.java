package dev.parley;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testkit.Backend;
import dev.parley.testkit.ParleyServer;
import dev.parley.testkit.Users;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The web app and the API answer with a strict Content-Security-Policy, no framing, no sniffing and no
 * referrer; {@code HEAD /} answers as {@code GET /} does. No storage involved: the shared SQLite server.
 * (The browser tests under web/ run the app itself under this policy.)
 */
class SecurityHeadersTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ParleyServer server = Backend.SQLITE.server();

    private HttpResponse<String> send(String method, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.http() + path)).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) b.header("Authorization", "Bearer " + token);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertSafetyHeaders(HttpResponse<?> r) {
        String csp = r.headers().firstValue("content-security-policy").orElse("");
        assertThat(csp).as(r.uri().toString()).contains("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'",
                "object-src 'none'", "base-uri 'none'");
        assertThat(csp).doesNotContain("unsafe-inline", "unsafe-eval", "*");
        assertThat(r.headers().firstValue("x-content-type-options")).hasValue("nosniff");
        assertThat(r.headers().firstValue("x-frame-options")).hasValue("DENY");
        assertThat(r.headers().firstValue("referrer-policy")).hasValue("no-referrer");
    }

    @Test
    void theAppAndTheApiForbidFramingSniffingForeignCodeAndReferrers() throws Exception {
        HttpResponse<String> page = send("GET", "/", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<div id=\"root\">");
        assertSafetyHeaders(page);
        // The page loads only scripts and styles of its own origin, none inline.
        assertThat(page.body()).doesNotContain("<script>").doesNotContain("<style");
        Matcher script = Pattern.compile("<script[^>]*src=\"(/[^\"]+)\"").matcher(page.body());
        assertThat(script.find()).as("the app's script").isTrue();
        HttpResponse<String> js = send("GET", script.group(1), null);
        assertThat(js.statusCode()).isEqualTo(200);
        assertSafetyHeaders(js);

        assertSafetyHeaders(send("GET", "/api/v1/me", null)); // an error answer
        Users.Device d = new Users(server).newUserDevice("headers");
        HttpResponse<String> me = send("GET", "/api/v1/me", d.accessToken());
        assertThat(me.statusCode()).isEqualTo(200);
        assertSafetyHeaders(me);
        assertSafetyHeaders(send("GET", "/no/such/page", null));
    }

    @Test
    void headAnswersAsGetWithoutABody() throws Exception {
        for (String path : new String[] {"/", "/api/v1/me", "/index.html"}) {
            HttpResponse<String> get = send("GET", path, null);
            HttpResponse<String> head = send("HEAD", path, null);
            assertThat(head.statusCode()).as(path).isEqualTo(get.statusCode());
            assertThat(head.body()).as(path).isEmpty();
            assertThat(headers(head)).as(path).isEqualTo(headers(get));
            if (!path.startsWith("/api")) {
                assertThat(head.headers().firstValue("content-length")).as(path).isEqualTo(get.headers().firstValue("content-length"));
            }
        }
    }

    private static Map<String, String> headers(HttpResponse<?> r) {
        Map<String, String> m = new TreeMap<>();
        r.headers().map().forEach((k, v) -> {
            // How the length is told may differ for HEAD (RFC 9110 §8.6 lets a HEAD answer leave it out).
            if (!k.equalsIgnoreCase("date") && !k.equalsIgnoreCase("content-length") && !k.equalsIgnoreCase("transfer-encoding")) {
                m.put(k.toLowerCase(), String.join(",", v));
            }
        });
        return m;
    }
}
