package dev.parley.media;

import static dev.parley.testkit.MediaClient.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.parley.platform.Db;
import dev.parley.platform.ParleyException;
import dev.parley.testkit.Api;
import dev.parley.testkit.MediaClient;
import dev.parley.testkit.MediaServers;
import dev.parley.testkit.OnDatabasesAndStores;
import dev.parley.testkit.Users.Device;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Bad input to media, on both databases and both stores: each item of issue 6's list gets its documented error, and
 * each test checks that nothing half-stored is left behind (no new blob in the store, no stray file in the uploads
 * folder, no upload or media row) and that stored media is never served to anyone who may not see it.
 */
@ParameterizedClass
@MethodSource("dev.parley.testkit.OnDatabasesAndStores#all")
class MediaBadInputTest extends OnDatabasesAndStores {

    /** The upload of {@code data} fails with {@code code} at its last PATCH, and leaves nothing behind. */
    private void refusedAtCompletion(Device d, String kind, String name, byte[] data, String contentType, String code, int status) {
        Set<String> blobsBefore = storedBlobs();
        MediaClient.Bytes r = media.upload(d.accessToken(), kind, name, data, contentType, 64 * 1024);
        assertThat(r.status()).as(name + ": " + r.text()).isEqualTo(status);
        assertThat(r.code()).as(name).isEqualTo(code);
        assertNothingLeft(d, blobsBefore);
    }

    private void assertNothingLeft(Device d, Set<String> blobsBefore) {
        assertThat(storedBlobs()).as("blobs in the store").isEqualTo(blobsBefore);
        assertNoStrayUploadFiles();
        assertThat(count("SELECT COUNT(*) FROM media_uploads WHERE user_id = ?", d.user().id())).as("upload rows").isZero();
        assertThat(count("SELECT COUNT(*) FROM media WHERE uploader_id = ?", d.user().id())).as("media rows").isZero();
    }

    @Test
    void oversizedAtCreateIsRefusedPerKind() {
        Device d = users.newUserDevice("oversize");
        Set<String> before = storedBlobs();
        record Case(String kind, long size) {}
        // Spring data sizes are binary: 20MB is 20 MiB.
        long mib = 1024 * 1024;
        for (Case c : List.of(new Case("image", 20 * mib + 1), new Case("voice", 10 * mib + 1), new Case("video", 200 * mib + 1),
                new Case("file", 100 * mib + 1))) {
            Api.Response r = media.create(d.accessToken(), c.kind(), "big", c.size(), null);
            assertThat(r.status()).as(c.kind()).isEqualTo(413);
            assertThat(r.code()).isEqualTo("media_too_large");
        }
        assertThat(media.create(d.accessToken(), "image", "ok.png", 20 * mib, null).status()).isEqualTo(201);
        assertThat(media.create(d.accessToken(), "image", "zero.png", 0, null).code()).isEqualTo("invalid_field");
        assertThat(media.create(d.accessToken(), "sticker", "s.png", 10, null).code()).isEqualTo("invalid_field");
        assertThat(storedBlobs()).isEqualTo(before);
    }

    @Test
    void moreBytesThanDeclaredDiscardTheUpload() throws IOException {
        Device d = users.newUserDevice("toomuch");
        Set<String> before = storedBlobs();
        byte[] data = MediaUploadTest.text(3000, 21);
        // With Content-Length: refused before reading.
        String id = media.create(d.accessToken(), "file", "a.txt", 2000, null).body().get("uploadId").asString();
        MediaClient.Bytes r = media.patch(d.accessToken(), id, 0, data);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.code()).isEqualTo("media_too_large");
        assertThat(media.status(d.accessToken(), id).code()).isEqualTo("media_not_found");
        // Chunked, no length announced: noticed while streaming.
        String id2 = media.create(d.accessToken(), "file", "b.txt", 2000, null).body().get("uploadId").asString();
        MediaClient.Bytes r2 = media.patchChunked(d.accessToken(), id2, 0, MediaUploadTest.text(6000, 22));
        assertThat(r2.status()).as(r2.text()).isEqualTo(413);
        assertThat(r2.code()).isEqualTo("media_too_large");
        assertThat(media.status(d.accessToken(), id2).code()).isEqualTo("media_not_found");
        assertNothingLeft(d, before);
    }

    @Test
    void executablesAndUnknownBytesAreNotAllowed() throws IOException {
        Device d = users.newUserDevice("exe");
        byte[] pe = new byte[2048];
        new Random(1).nextBytes(pe);
        pe[0] = 'M';
        pe[1] = 'Z';
        refusedAtCompletion(d, "file", "setup.pdf", pe, "application/pdf", "media_type_not_allowed", 415);
        byte[] elf = Arrays.copyOf(new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1}, 1024);
        refusedAtCompletion(d, "file", "tool", elf, null, "media_type_not_allowed", 415);
        refusedAtCompletion(d, "file", "run.txt", "#!/bin/sh\nrm -rf ~\n".getBytes(), "text/plain", "media_type_not_allowed", 415);
        byte[] random = new byte[4096];
        new Random(2).nextBytes(random);
        random[0] = 0;
        refusedAtCompletion(d, "file", "blob.bin", random, null, "media_type_not_allowed", 415);
        refusedAtCompletion(d, "file", "app.zip", jar(), null, "media_type_not_allowed", 415);
    }

    private static byte[] jar() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(b)) {
            z.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
            z.write("Manifest-Version: 1.0\nMain-Class: Evil\n".getBytes());
            z.putNextEntry(new ZipEntry("Evil.class"));
            z.write(new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE});
        }
        return b.toByteArray();
    }

    @Test
    void bytesThatDoNotMatchTheDeclaredKindOrClaimedTypeAreAMismatch() {
        Device d = users.newUserDevice("mismatch");
        refusedAtCompletion(d, "image", "cat.jpg", fixture("doc.pdf"), null, "media_type_mismatch", 415);
        refusedAtCompletion(d, "image", "cat.jpg", fixture("plain.png"), "image/jpeg", "media_type_mismatch", 415);
        refusedAtCompletion(d, "file", "page.html", "<html>hi</html>\n".getBytes(), "text/html", "media_type_mismatch", 415);
        refusedAtCompletion(d, "video", "song.mp4", fixture("voice.ogg"), null, "media_type_mismatch", 415);
        // An MP4 without an audio track is no voice message (ffprobe looks inside).
        refusedAtCompletion(d, "voice", "voice.m4a", fixture("video.mp4"), null, "media_type_mismatch", 415);
        // A PNG cut in half starts like a PNG but is not one.
        byte[] png = fixture("meta.png");
        refusedAtCompletion(d, "image", "half.png", Arrays.copyOf(png, png.length / 2), null, "media_type_mismatch", 415);
    }

    @Test
    void decompressionBombsAreRefusedFromTheirHeaderBeforeDecoding() throws IOException {
        Device d = users.newUserDevice("bomb");
        // 20000 x 20000 declared (400 megapixels, 1.6 GB as RGBA) in a few KB.
        refusedAtCompletion(d, "image", "bomb.png", bombPng(20_000, 20_000), null, "image_too_many_pixels", 422);
        refusedAtCompletion(d, "image", "bomb.gif", bombGif(30_000, 30_000), null, "image_too_many_pixels", 422);
        // On a server limited to 1 megapixel: 1001 x 1000 is one row too many, 1000 x 1000 passes the check.
        use(MediaServers.restricted(backend, store));
        Device e = users.newUserDevice("bomb2");
        refusedAtCompletion(e, "image", "big.png", bombPng(1001, 1000), null, "image_too_many_pixels", 422);
        MediaClient.Bytes ok = media.upload(e.accessToken(), "image", "fits.png", bombPng(1000, 1000), null, 64 * 1024);
        assertThat(ok.code()).isNotEqualTo("image_too_many_pixels");
    }

    /** A grey PNG declaring {@code w} x {@code h} whose data are {@code h} compressed rows of zeros. */
    static byte[] bombPng(int w, int h) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream o = new DataOutputStream(ihdr);
        o.writeInt(w);
        o.writeInt(h);
        o.write(new byte[] {8, 0, 0, 0, 0});
        chunk(out, "IHDR", ihdr.toByteArray());
        Deflater deflater = new Deflater(9);
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        byte[] row = new byte[w + 1];
        byte[] buf = new byte[65536];
        int rows = Math.min(h, 2000); // enough to look real; the rest is simply missing
        for (int i = 0; i < rows; i++) {
            deflater.setInput(row);
            while (!deflater.needsInput()) idat.write(buf, 0, deflater.deflate(buf));
        }
        deflater.finish();
        while (!deflater.finished()) idat.write(buf, 0, deflater.deflate(buf));
        chunk(out, "IDAT", idat.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        DataOutputStream o = new DataOutputStream(out);
        o.writeInt(data.length);
        o.write(type.getBytes());
        o.write(data);
        CRC32 crc = new CRC32();
        crc.update(type.getBytes());
        crc.update(data);
        o.writeInt((int) crc.getValue());
    }

    /** A GIF whose logical screen is {@code w} x {@code h} around a 1 x 1 first frame. */
    static byte[] bombGif(int w, int h) {
        return new byte[] {'G', 'I', 'F', '8', '9', 'a', (byte) w, (byte) (w >> 8), (byte) h, (byte) (h >> 8), 0, 0, 0,
                0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0, 0x3B};
    }

    @Test
    void namesWithPathSeparatorsOrControlCharactersAreRefused() {
        Device d = users.newUserDevice("names");
        for (String bad : List.of("../etc/passwd", "a/b.txt", "C:\\evil.txt", "line\nbreak.txt", "tab\t.txt", "bell\u0007.txt",
                "del\u007F.txt", "c1\u0085.txt", "gpj.\u202Eexe.txt", ".", "..", "", " ", "x".repeat(256))) {
            Api.Response r = media.create(d.accessToken(), "file", bad, 10, null);
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.code()).as(bad).isEqualTo("invalid_file_name");
        }
        assertThat(media.create(d.accessToken(), "file", "nul\u0000.txt", 10, null).code()).isEqualTo("invalid_field");
        assertThat(media.create(d.accessToken(), Map.of("kind", "file", "size", 10)).code()).isEqualTo("invalid_field");
        assertThat(count("SELECT COUNT(*) FROM media_uploads WHERE user_id = ?", d.user().id())).isZero();
        // Unicode, spaces, quotes and dots are fine.
        assertThat(media.create(d.accessToken(), "file", "报告 \"v2\" .. final.txt", 10, null).status()).isEqualTo(201);
    }

    @Test
    void aTruncatedUploadIsIncompleteAndNeverServedAndExpiresWithoutATrace() throws Exception {
        use(MediaServers.restricted(backend, store));
        Device d = users.newUserDevice("trunc");
        Set<String> before = storedBlobs();
        byte[] data = MediaUploadTest.text(50_000, 23);
        String id = media.create(d.accessToken(), "file", "t.txt", data.length, null).body().get("uploadId").asString();
        media.patchAndDrop(d.accessToken(), id, 0, data, 20_000);
        // Not media: not fetchable, not attachable (upload_incomplete for the uploader's own open upload).
        assertThat(media.get("/api/v1/media/" + id, d.accessToken()).code()).isEqualTo("media_not_found");
        ParleyException incomplete = attachError(d.user().id(), List.of(id));
        assertThat(incomplete.code().code()).isEqualTo("upload_incomplete");
        // Abandoned: swept after the expiry (4 s on this server), with its file.
        long deadline = System.currentTimeMillis() + 20_000;
        while (count("SELECT COUNT(*) FROM media_uploads WHERE id = ?", id) > 0 && System.currentTimeMillis() < deadline) Thread.sleep(200);
        assertThat(media.status(d.accessToken(), id).code()).isEqualTo("media_not_found");
        assertThat(uploadFiles()).doesNotContain(id + ".part");
        assertThat(attachError(d.user().id(), List.of(id)).code().code()).isEqualTo("media_not_found");
        assertNothingLeft(d, before);
    }

    /** What {@link MediaAttachments#views} (the check behind attaching to a message) throws for these ids. */
    private ParleyException attachError(long userId, List<String> ids) {
        MediaAttachments attachments = server.bean(MediaAttachments.class);
        Throwable t = catchThrowable(() -> server.bean(Db.class).read(tx -> attachments.views(tx, userId, ids)));
        assertThat(t).isInstanceOf(ParleyException.class);
        return (ParleyException) t;
    }

    @Test
    void referencesToMediaTheSenderDoesNotOwnOrThatDoNotExistAreNotFound() {
        Device alice = users.newUserDevice("ref");
        Device bob = users.newUserDevice("ref2");
        JsonNode m = media.uploaded(alice.accessToken(), "file", "mine.txt", MediaUploadTest.text(1000, 24), null);
        String id = m.get("id").asString();
        assertThat(attachError(bob.user().id(), List.of(id)).code().code()).isEqualTo("media_not_found");
        assertThat(attachError(alice.user().id(), List.of("AAAAAAAAAAAAAAAAAAAAAA")).code().code()).isEqualTo("media_not_found");
        assertThat(attachError(alice.user().id(), List.of("../../etc/passwd")).code().code()).isEqualTo("media_not_found");
        assertThat(attachError(alice.user().id(), List.of(id, id)).code().code()).isEqualTo("invalid_field");
        assertThat(attachError(alice.user().id(), List.of()).code().code()).isEqualTo("invalid_field");
        List<String> eleven = new ArrayList<>();
        for (int i = 0; i < 11; i++) eleven.add(id);
        assertThat(attachError(alice.user().id(), eleven).code().code()).isEqualTo("invalid_field");
        // And bob cannot fetch it any way: bearer, thumbnail, signed paths.
        assertThat(media.get("/api/v1/media/" + id, bob.accessToken()).status()).isEqualTo(404);
        assertThat(media.get("/api/v1/media/" + id, bob.accessToken()).code()).isEqualTo("media_not_found");
        assertThat(media.get("/api/v1/media/" + id + "/url", bob.accessToken()).code()).isEqualTo("media_not_found");
        assertThat(media.get("/api/v1/media/" + id, null).code()).isEqualTo("unauthorized");
        assertThat(media.get("/api/v1/media/" + id, alice.accessToken()).status()).isEqualTo(200);
    }

    @Test
    void theQuotaCountsADuplicateUploadOnceAndRefusesPastIt() {
        use(MediaServers.restricted(backend, store));
        Device d = users.newUserDevice("quota");
        byte[] a = MediaUploadTest.text(250_000, 25);
        media.uploaded(d.accessToken(), "file", "a.txt", a, null);
        media.uploaded(d.accessToken(), "file", "a-again.txt", a, null); // same bytes: counted once
        media.uploaded(d.accessToken(), "file", "b.txt", MediaUploadTest.text(250_000, 26), null); // 500 KB of 600 KB
        Api.Response over = media.create(d.accessToken(), "file", "c.txt", 150_000, null);
        assertThat(over.status()).isEqualTo(413);
        assertThat(over.code()).isEqualTo("quota_exceeded");
        assertThat(media.create(d.accessToken(), "file", "d.txt", 90_000, null).status()).isEqualTo(201);
        // Per-kind limits of this server: 200 KB (204,800 bytes) images.
        assertThat(media.create(d.accessToken(), "image", "e.png", 204_801, null).code()).isEqualTo("media_too_large");
    }
}
