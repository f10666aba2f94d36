package dev.parley.media;

import static dev.parley.testkit.MediaClient.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testkit.Api;
import dev.parley.testkit.MediaClient;
import dev.parley.testkit.OnDatabasesAndStores;
import dev.parley.testkit.Users;
import dev.parley.testkit.Users.Device;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Fetching media on both databases and both stores: HTTP range requests (RFC 9110 §14), the headers that keep user
 * files from running as pages (type, nosniff, attachment, safe names), and signed paths for media tags.
 */
@ParameterizedClass
@MethodSource("dev.parley.testkit.OnDatabasesAndStores#all")
class MediaDownloadTest extends OnDatabasesAndStores {

    @Test
    void rangesAreServedAs206WithContentRangeAnd416WhenUnsatisfiable() {
        Device alice = users.newUserDevice("range");
        byte[] data = MediaUploadTest.text(1_500_000, 11);
        JsonNode m = media.uploaded(alice.accessToken(), "file", "long.txt", data, null);
        String path = "/api/v1/media/" + m.get("id").asString();
        String t = alice.accessToken();

        MediaClient.Bytes all = media.get(path, t);
        assertThat(all.status()).isEqualTo(200);
        assertThat(all.header("Accept-Ranges")).isEqualTo("bytes");
        assertThat(all.header("Content-Length")).isEqualTo("1500000");
        assertThat(all.body()).isEqualTo(data);

        MediaClient.Bytes head = media.get(path, t, "Range", "bytes=0-99");
        assertThat(head.status()).isEqualTo(206);
        assertThat(head.header("Content-Range")).isEqualTo("bytes 0-99/1500000");
        assertThat(head.body()).isEqualTo(Arrays.copyOfRange(data, 0, 100));

        MediaClient.Bytes middle = media.get(path, t, "Range", "bytes=700000-1299999");
        assertThat(middle.status()).isEqualTo(206);
        assertThat(middle.header("Content-Range")).isEqualTo("bytes 700000-1299999/1500000");
        assertThat(middle.body()).isEqualTo(Arrays.copyOfRange(data, 700_000, 1_300_000));

        MediaClient.Bytes open = media.get(path, t, "Range", "bytes=1499990-");
        assertThat(open.header("Content-Range")).isEqualTo("bytes 1499990-1499999/1500000");
        assertThat(open.body()).isEqualTo(Arrays.copyOfRange(data, 1_499_990, 1_500_000));

        MediaClient.Bytes suffix = media.get(path, t, "Range", "bytes=-5");
        assertThat(suffix.status()).isEqualTo(206);
        assertThat(suffix.body()).isEqualTo(Arrays.copyOfRange(data, 1_499_995, 1_500_000));

        MediaClient.Bytes past = media.get(path, t, "Range", "bytes=1499999-2000000");
        assertThat(past.header("Content-Range")).isEqualTo("bytes 1499999-1499999/1500000");
        assertThat(past.body()).hasSize(1);

        MediaClient.Bytes beyond = media.get(path, t, "Range", "bytes=1500000-");
        assertThat(beyond.status()).isEqualTo(416);
        assertThat(beyond.header("Content-Range")).isEqualTo("bytes */1500000");
        assertThat(beyond.body()).isEmpty();

        // Several ranges, another unit, bad syntax: the whole representation (RFC 9110 §14.2 lets a server ignore Range).
        for (String ignored : new String[] {"bytes=0-1,5-6", "items=0-5", "bytes=abc", "bytes=9-3"}) {
            MediaClient.Bytes r = media.get(path, t, "Range", ignored);
            assertThat(r.status()).as(ignored).isEqualTo(200);
            assertThat(r.body()).hasSize(1_500_000);
        }
    }

    @Test
    void ifRangeAndIfNoneMatchUseTheContentHashAsETag() {
        Device alice = users.newUserDevice("etag");
        byte[] data = MediaUploadTest.text(10_000, 12);
        JsonNode m = media.uploaded(alice.accessToken(), "file", "e.txt", data, null);
        String path = "/api/v1/media/" + m.get("id").asString();
        String etag = "\"" + m.get("sha256").asString() + "\"";
        assertThat(media.get(path, alice.accessToken()).header("ETag")).isEqualTo(etag);

        assertThat(media.get(path, alice.accessToken(), "Range", "bytes=10-19", "If-Range", etag).status()).isEqualTo(206);
        MediaClient.Bytes changed = media.get(path, alice.accessToken(), "Range", "bytes=10-19", "If-Range", "\"something-else\"");
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.body()).isEqualTo(data);
        assertThat(media.get(path, alice.accessToken(), "If-None-Match", etag).status()).isEqualTo(304);
    }

    @Test
    void servedHeadersAreSafe() {
        Device alice = users.newUserDevice("headers");
        byte[] page = "<html><script>alert(document.cookie)</script></html>\n".getBytes(StandardCharsets.UTF_8);
        JsonNode file = media.uploaded(alice.accessToken(), "file", "报告 \"final\".html", page, null);
        assertThat(file.get("contentType").asString()).isEqualTo("text/plain");
        MediaClient.Bytes f = media.get("/api/v1/media/" + file.get("id").asString(), alice.accessToken());
        assertThat(f.header("Content-Type")).isEqualTo("application/octet-stream");
        assertThat(f.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(f.header("Content-Security-Policy")).contains("sandbox");
        assertThat(f.header("Content-Disposition"))
                .isEqualTo("attachment; filename=\"__ _final_.html\"; filename*=UTF-8''%E6%8A%A5%E5%91%8A%20%22final%22.html");

        JsonNode image = media.uploaded(alice.accessToken(), "image", "p.png", fixture("plain.png"), null);
        MediaClient.Bytes i = media.get("/api/v1/media/" + image.get("id").asString(), alice.accessToken());
        assertThat(i.header("Content-Type")).isEqualTo("image/png");
        assertThat(i.header("Content-Disposition")).startsWith("inline; filename=\"p.png\"");
        assertThat(i.header("X-Content-Type-Options")).isEqualTo("nosniff");
    }

    @Test
    void signedPathsWorkWithoutTheHeaderForThatUserUntilTheyExpire() throws Exception {
        Device alice = users.newUserDevice("signed");
        JsonNode m = media.uploaded(alice.accessToken(), "video", "clip.mp4", fixture("video.mp4"), null);
        String id = m.get("id").asString();
        MediaClient.Bytes urls = media.get("/api/v1/media/" + id + "/url", alice.accessToken());
        assertThat(urls.status()).as(urls.text()).isEqualTo(200);
        JsonNode u = urls.json();
        assertThat(u.get("expiresAt").asLong()).isBetween(System.currentTimeMillis() + 3_500_000, System.currentTimeMillis() + 3_700_000);
        String url = u.get("url").asString();
        assertThat(url).startsWith("/api/v1/media/" + id + "/content?");

        MediaClient.Bytes content = media.get(url, null);
        assertThat(content.status()).isEqualTo(200);
        assertThat(content.body()).isEqualTo(fixture("video.mp4"));
        MediaClient.Bytes seek = media.get(url, null, "Range", "bytes=100-199");
        assertThat(seek.status()).isEqualTo(206);
        assertThat(seek.body()).isEqualTo(Arrays.copyOfRange(fixture("video.mp4"), 100, 200));
        assertThat(media.get(u.get("posterUrl").asString(), null).status()).isEqualTo(200);
        assertThat(media.get(u.get("thumbnailUrl").asString(), null).status()).isEqualTo(200);

        // Tampered signature, another user's id with this signature, a poster path signed for the content: not found.
        assertThat(media.get(url.substring(0, url.length() - 2) + "xx", null).code()).isEqualTo("media_not_found");
        Device bob = users.newUserDevice("signed2");
        assertThat(media.get(url.replace("u=" + alice.user().id(), "u=" + bob.user().id()), null).code()).isEqualTo("media_not_found");
        assertThat(media.get(url.replace("/content?", "/poster/content?"), null).code()).isEqualTo("media_not_found");
        assertThat(media.get("/api/v1/media/" + id + "/content", null).code()).isEqualTo("media_not_found");

        // Expired: signed with the server's key for a time in the past.
        long past = System.currentTimeMillis() - 1000;
        String sig = sign(id, "content", alice.user().id(), alice.sessionId(), past);
        assertThat(media.get("/api/v1/media/" + id + "/content?u=" + alice.user().id() + "&s=" + alice.sessionId() + "&exp=" + past
                + "&sig=" + sig, null).code()).isEqualTo("media_not_found");
        long future = System.currentTimeMillis() + 60_000;
        assertThat(media.get("/api/v1/media/" + id + "/content?u=" + alice.user().id() + "&s=" + alice.sessionId() + "&exp=" + future
                + "&sig=" + sign(id, "content", alice.user().id(), alice.sessionId(), future), null).status()).isEqualTo(200);
        // Without the session, or with another one's: not found.
        assertThat(media.get("/api/v1/media/" + id + "/content?u=" + alice.user().id() + "&exp=" + future + "&sig="
                + sign(id, "content", alice.user().id(), alice.sessionId(), future), null).code()).isEqualTo("media_not_found");
        assertThat(media.get(url.replace("s=" + alice.sessionId(), "s=" + bob.sessionId()), null).code()).isEqualTo("media_not_found");
        // A signature of bob's own for alice's media does not make it his to see.
        assertThat(media.get("/api/v1/media/" + id + "/content?u=" + bob.user().id() + "&s=" + bob.sessionId() + "&exp=" + future
                + "&sig=" + sign(id, "content", bob.user().id(), bob.sessionId(), future), null).code()).isEqualTo("media_not_found");
        assertThat(media.get("/api/v1/media/" + id + "/url", bob.accessToken()).code()).isEqualTo("media_not_found");
    }

    @Test
    void aSignedPathStopsWorkingWhenTheSessionItWasSignedForEnds() {
        Device phone = users.newUserDevice("sigsess");
        Device tablet = users.login(phone.user(), "tablet");
        Device laptop = users.login(phone.user(), "laptop");
        String id = media.uploaded(phone.accessToken(), "file", "doc.pdf", fixture("doc.pdf"), null).get("id").asString();
        String phoneUrl = media.get("/api/v1/media/" + id + "/url", phone.accessToken()).json().get("url").asString();
        String tabletUrl = media.get("/api/v1/media/" + id + "/url", tablet.accessToken()).json().get("url").asString();
        assertThat(media.get(phoneUrl, null).status()).isEqualTo(200);
        assertThat(media.get(tabletUrl, null).status()).isEqualTo(200);

        // Logging out ends the phone's paths (signed an hour long) at once; the tablet's still work.
        assertThat(api.post("/api/v1/auth/logout", phone.accessToken(), Map.of()).status()).isEqualTo(204);
        assertThat(media.get(phoneUrl, null).code()).isEqualTo("media_not_found");
        assertThat(media.get(tabletUrl, null).status()).isEqualTo(200);

        // A password change on the laptop revokes every other session, and with it the tablet's paths.
        Api.Response changed = api.post("/api/v1/me/password", laptop.accessToken(),
                Map.of("currentPassword", Users.PASSWORD, "newPassword", "another-password-42"));
        assertThat(changed.status()).as(changed.raw()).isEqualTo(204);
        assertThat(media.get(tabletUrl, null).code()).isEqualTo("media_not_found");
        String laptopUrl = media.get("/api/v1/media/" + id + "/url", laptop.accessToken()).json().get("url").asString();
        assertThat(media.get(laptopUrl, null).status()).isEqualTo(200);
    }

    private String sign(String id, String variant, long user, long session, long exp) throws Exception {
        byte[] key = Base64.getDecoder().decode(Files.readString(server.dataDir().resolve("media-url-signing.key")).trim());
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                mac.doFinal((id + "\n" + variant + "\n" + user + "\n" + session + "\n" + exp).getBytes(StandardCharsets.UTF_8)));
    }
}
