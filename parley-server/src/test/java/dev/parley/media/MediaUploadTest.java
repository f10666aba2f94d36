package dev.parley.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testkit.Api;
import dev.parley.testkit.MediaClient;
import dev.parley.testkit.OnDatabasesAndStores;
import dev.parley.testkit.Users.Device;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Resumable uploads over real HTTP on both databases and both stores: progress in several PATCHes, resuming after a
 * connection dropped mid-body, offset conflicts, cancel, content addressing (the same bytes stored once) and the
 * per-user quota.
 */
@ParameterizedClass
@MethodSource("dev.parley.testkit.OnDatabasesAndStores#all")
class MediaUploadTest extends OnDatabasesAndStores {

    static byte[] text(int size, long seed) {
        Random r = new Random(seed);
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) b[i] = (byte) ('a' + r.nextInt(26));
        for (int i = 80; i < size; i += 81) b[i] = '\n';
        return b;
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void uploadInSeveralPatchesReportsProgressAndAnswersTheLastWithTheMediaView() throws Exception {
        Device alice = users.newUserDevice("up");
        byte[] data = text(300_000, 1);
        Api.Response c = media.create(alice.accessToken(), "file", "notes.txt", data.length, "text/plain");
        assertThat(c.status()).as(c.raw()).isEqualTo(201);
        String id = c.body().get("uploadId").asString();
        assertThat(id).matches("[A-Za-z0-9_-]{22}");
        assertThat(c.body().get("offset").asLong()).isZero();
        assertThat(c.body().get("size").asLong()).isEqualTo(data.length);
        assertThat(c.body().get("expiresAt").asLong()).isGreaterThan(System.currentTimeMillis());

        MediaClient.Bytes first = media.patch(alice.accessToken(), id, 0, Arrays.copyOfRange(data, 0, 100_000));
        assertThat(first.status()).as(first.text()).isEqualTo(200);
        assertThat(first.json().get("offset").asLong()).isEqualTo(100_000);
        assertThat(first.json().has("media")).isFalse();
        assertThat(first.header("Upload-Offset")).isEqualTo("100000");
        assertThat(media.status(alice.accessToken(), id).body().get("offset").asLong()).isEqualTo(100_000);

        MediaClient.Bytes last = media.patch(alice.accessToken(), id, 100_000, Arrays.copyOfRange(data, 100_000, data.length));
        assertThat(last.status()).as(last.text()).isEqualTo(200);
        JsonNode m = last.json().get("media");
        assertThat(m.get("id").asString()).matches("[A-Za-z0-9_-]{22}").isNotEqualTo(id);
        assertThat(m.get("kind").asString()).isEqualTo("file");
        assertThat(m.get("name").asString()).isEqualTo("notes.txt");
        assertThat(m.get("size").asLong()).isEqualTo(data.length);
        assertThat(m.get("contentType").asString()).isEqualTo("text/plain");
        assertThat(m.get("sha256").asString()).isEqualTo(sha256(data));
        assertThat(m.get("thumbnail").asBoolean()).isFalse();
        assertThat(m.get("poster").asBoolean()).isFalse();
        assertThat(m.has("width")).isFalse();

        MediaClient.Bytes got = media.get("/api/v1/media/" + m.get("id").asString(), alice.accessToken());
        assertThat(got.status()).isEqualTo(200);
        assertThat(got.body()).isEqualTo(data);
        // The upload is finished: asking for it again (a client that lost the last answer) gives the media view;
        // nothing is left in the uploads folder.
        Api.Response again = media.status(alice.accessToken(), id);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().get("offset").asLong()).isEqualTo(data.length);
        assertThat(again.body().get("media").get("id").asString()).isEqualTo(m.get("id").asString());
        assertThat(media.patch(alice.accessToken(), id, data.length, new byte[0]).code()).isEqualTo("media_not_found");
        assertThat(media.status(users.newUserDevice("other").accessToken(), id).code()).isEqualTo("media_not_found");
        assertThat(uploadFiles()).doesNotContain(id + ".part");
        assertNoStrayUploadFiles();
        assertThat(storedBlobs()).contains(sha256(data));
    }

    @Test
    void aFinishedUploadKeepsTheOffsetAndSizeOfTheBytesReceivedWhenTheStoredBytesAreFewer() {
        Device alice = users.newUserDevice("offsize");
        byte[] photo = MediaClient.fixture("photo-gps.jpg"); // loses its EXIF, XMP and comment when stored
        String id = media.create(alice.accessToken(), "image", "p.jpg", photo.length, null).body().get("uploadId").asString();
        int half = photo.length / 2;
        assertThat(media.patch(alice.accessToken(), id, 0, Arrays.copyOfRange(photo, 0, half)).status()).isEqualTo(200);
        MediaClient.Bytes last = media.patch(alice.accessToken(), id, half, Arrays.copyOfRange(photo, half, photo.length));
        assertThat(last.status()).as(last.text()).isEqualTo(200);
        assertThat(last.json().get("offset").asLong()).isEqualTo(photo.length);
        assertThat(last.json().get("size").asLong()).isEqualTo(photo.length);
        assertThat(last.header("Upload-Offset")).isEqualTo(Integer.toString(photo.length));
        long stored = last.json().get("media").get("size").asLong();
        assertThat(stored).as("media.size: the stored bytes").isLessThan(photo.length);

        // A client that lost that answer asks for the offset, as §15 says: the same offset, size and media.
        Api.Response again = media.status(alice.accessToken(), id);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().get("offset").asLong()).isEqualTo(photo.length);
        assertThat(again.body().get("size").asLong()).isEqualTo(photo.length);
        assertThat(again.body().get("media").get("size").asLong()).isEqualTo(stored);
        assertThat(again.body().get("media").get("id").asString()).isEqualTo(last.json().get("media").get("id").asString());
    }

    @Test
    void aConnectionLostMidBodyKeepsWhatArrivedAndTheClientContinuesFromThere() throws Exception {
        Device alice = users.newUserDevice("resume");
        byte[] data = text(2_000_000, 2);
        String id = media.create(alice.accessToken(), "file", "big.txt", data.length, null).body().get("uploadId").asString();

        media.patchAndDrop(alice.accessToken(), id, 0, data, 700_000);
        long offset = awaitOffsetSettled(alice, id);
        assertThat(offset).isGreaterThan(0).isLessThanOrEqualTo(700_000);

        MediaClient.Bytes rest = media.patch(alice.accessToken(), id, offset, Arrays.copyOfRange(data, (int) offset, data.length));
        assertThat(rest.status()).as(rest.text()).isEqualTo(200);
        JsonNode m = rest.json().get("media");
        assertThat(m.get("sha256").asString()).isEqualTo(sha256(data));
        assertThat(media.get("/api/v1/media/" + m.get("id").asString(), alice.accessToken()).body()).isEqualTo(data);
    }

    /** After a dropped connection the server may still be writing what it received: wait until the offset holds. */
    private long awaitOffsetSettled(Device d, String id) throws InterruptedException {
        long last = -1;
        for (int i = 0; i < 100; i++) {
            long now = media.status(d.accessToken(), id).body().get("offset").asLong();
            if (now == last && now > 0) {
                // the PATCH is over once another one is accepted at this offset; probe with an empty append
                MediaClient.Bytes probe = media.patch(d.accessToken(), id, now, new byte[0]);
                if (probe.status() == 200) return now;
            }
            last = now;
            Thread.sleep(100);
        }
        throw new AssertionError("offset never settled");
    }

    @Test
    void aWrongOffsetIsRefusedWithTheServersOffset() {
        Device alice = users.newUserDevice("offset");
        byte[] data = text(5000, 3);
        String id = media.create(alice.accessToken(), "file", "a.txt", data.length, null).body().get("uploadId").asString();
        assertThat(media.patch(alice.accessToken(), id, 0, Arrays.copyOfRange(data, 0, 1000)).status()).isEqualTo(200);

        MediaClient.Bytes behind = media.patch(alice.accessToken(), id, 0, Arrays.copyOfRange(data, 0, 1000));
        assertThat(behind.status()).isEqualTo(409);
        assertThat(behind.code()).isEqualTo("upload_offset_mismatch");
        assertThat(behind.json().get("offset").asLong()).isEqualTo(1000);
        MediaClient.Bytes ahead = media.patch(alice.accessToken(), id, 2000, Arrays.copyOfRange(data, 2000, 3000));
        assertThat(ahead.code()).isEqualTo("upload_offset_mismatch");
        assertThat(ahead.header("Upload-Offset")).isEqualTo("1000");
        // Nothing moved: the rest still completes.
        MediaClient.Bytes rest = media.patch(alice.accessToken(), id, 1000, Arrays.copyOfRange(data, 1000, data.length));
        assertThat(rest.status()).as(rest.text()).isEqualTo(200);
        assertThat(rest.json().get("media").get("size").asLong()).isEqualTo(5000);
    }

    @Test
    void aChunkedBodyWithoutContentLengthIsAcceptedToo() throws Exception {
        Device alice = users.newUserDevice("chunked");
        byte[] data = text(50_000, 4);
        String id = media.create(alice.accessToken(), "file", "c.txt", data.length, null).body().get("uploadId").asString();
        MediaClient.Bytes r = media.patchChunked(alice.accessToken(), id, 0, data);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.json().get("media").get("sha256").asString()).isEqualTo(sha256(data));
    }

    @Test
    void cancelDeletesTheUploadAndItsBytes() {
        Device alice = users.newUserDevice("cancel");
        byte[] data = text(10_000, 5);
        String id = media.create(alice.accessToken(), "file", "x.txt", data.length, null).body().get("uploadId").asString();
        media.patch(alice.accessToken(), id, 0, Arrays.copyOfRange(data, 0, 4000));
        assertThat(uploadFiles()).contains(id + ".part");

        assertThat(media.cancel(alice.accessToken(), id).status()).isEqualTo(204);
        assertThat(uploadFiles()).doesNotContain(id + ".part");
        assertThat(count("SELECT COUNT(*) FROM media_uploads WHERE id = ?", id)).isZero();
        assertThat(media.patch(alice.accessToken(), id, 4000, Arrays.copyOfRange(data, 4000, data.length)).code()).isEqualTo("media_not_found");
    }

    @Test
    void someoneElsesUploadIsNotFound() {
        Device alice = users.newUserDevice("owner");
        Device mallory = users.newUserDevice("mallory");
        String id = media.create(alice.accessToken(), "file", "x.txt", 100, null).body().get("uploadId").asString();
        assertThat(media.status(mallory.accessToken(), id).code()).isEqualTo("media_not_found");
        assertThat(media.patch(mallory.accessToken(), id, 0, text(100, 6)).code()).isEqualTo("media_not_found");
        assertThat(media.cancel(mallory.accessToken(), id).code()).isEqualTo("media_not_found");
        assertThat(media.status(alice.accessToken(), id).status()).isEqualTo(200);
        assertThat(media.create(null, "file", "x.txt", 100, null).code()).isEqualTo("unauthorized");
    }

    @Test
    void theSameBytesUploadedTwiceAreStoredOnce() throws Exception {
        Device alice = users.newUserDevice("dedup");
        Device bob = users.newUserDevice("dedup2");
        byte[] data = text(40_000, 7);
        JsonNode one = media.uploaded(alice.accessToken(), "file", "one.txt", data, null);
        int blobs = storedBlobs().size();
        JsonNode two = media.uploaded(alice.accessToken(), "file", "two.txt", data, null);
        JsonNode three = media.uploaded(bob.accessToken(), "file", "three.txt", data, null);

        assertThat(one.get("sha256").asString()).isEqualTo(two.get("sha256").asString()).isEqualTo(three.get("sha256").asString());
        assertThat(one.get("id").asString()).isNotEqualTo(two.get("id").asString());
        assertThat(storedBlobs()).hasSize(blobs);
        assertThat(two.get("name").asString()).isEqualTo("two.txt");
        assertThat(media.get("/api/v1/media/" + three.get("id").asString(), bob.accessToken()).body()).isEqualTo(data);
    }

    @Test
    void theQuotaCountsOpenUploadsAndRefusesPastIt() {
        Device alice = users.newUserDevice("quota");
        // Five 200 MB video uploads reserve 1,000,000,000 bytes of the 1 GiB (1,073,741,824) quota; a sixth does not fit.
        for (int i = 0; i < 5; i++) {
            Api.Response r = media.create(alice.accessToken(), "video", "v" + i + ".mp4", 200_000_000, null);
            assertThat(r.status()).as(r.raw()).isEqualTo(201);
        }
        Api.Response over = media.create(alice.accessToken(), "video", "v5.mp4", 200_000_000, null);
        assertThat(over.status()).isEqualTo(413);
        assertThat(over.code()).isEqualTo("quota_exceeded");
        assertThat(media.create(alice.accessToken(), "file", "small.txt", 70_000_000, null).status()).isEqualTo(201);
        // Another user's quota is their own.
        assertThat(media.create(users.newUserDevice("quota2").accessToken(), "video", "v.mp4", 200_000_000, null).status()).isEqualTo(201);
    }
}
