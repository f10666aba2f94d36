package dev.parley;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testkit.Backend;
import dev.parley.testkit.ParleyServer;
import dev.parley.testkit.Users;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/** With a PEM certificate and key configured, the same port serves HTTPS and WSS. */
class TlsTest {
    @Test
    void servesHttpsAndWssWhenACertificateIsConfigured() throws Exception {
        Path dir = Files.createTempDirectory("parley-tls-");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout", key.toString(), "-out", cert.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();

        ParleyServer server = ParleyServer.dedicated(Backend.SQLITE, Map.of(
                "parley.tls.certificate", cert.toString(), "parley.tls.private-key", key.toString()));
        try {
            SSLContext ssl = trusting(cert);
            HttpClient client = HttpClient.newBuilder().sslContext(ssl).build();
            String base = "https://127.0.0.1:" + server.port();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/me")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.body()).contains("\"code\":\"unauthorized\"");

            // Register and log in over HTTPS, then open a WSS connection.
            String name = Users.freshName("tls");
            String body = "{\"username\":\"" + name + "\",\"password\":\"" + Users.PASSWORD + "\"}";
            assertThat(client.send(post(base + "/api/v1/accounts", body), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(201);
            String login = client.send(post(base + "/api/v1/auth/login", body), HttpResponse.BodyHandlers.ofString()).body();
            String token = login.replaceAll(".*\"accessToken\":\"([^\"]+)\".*", "$1");
            CompletableFuture<String> first = new CompletableFuture<>();
            WebSocket ws = client.newWebSocketBuilder().buildAsync(URI.create("wss://127.0.0.1:" + server.port() + "/ws?access_token=" + token),
                    new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            first.complete(data.toString());
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            assertThat(first.get(10, TimeUnit.SECONDS)).startsWith("{\"type\":\"hello\"");
            ws.abort();
            // Plain HTTP on the TLS port is refused.
            HttpClient plain = HttpClient.newHttpClient();
            boolean plainWorked;
            try {
                plainWorked = plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/v1/me")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 401;
            } catch (java.io.IOException e) {
                plainWorked = false;
            }
            assertThat(plainWorked).isFalse();
        } finally {
            server.stop();
        }
    }

    private static HttpRequest post(String url, String json) {
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    private static SSLContext trusting(Path pem) throws Exception {
        X509Certificate c;
        try (InputStream in = Files.newInputStream(pem)) {
            c = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        ks.setCertificateEntry("parley", c);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
