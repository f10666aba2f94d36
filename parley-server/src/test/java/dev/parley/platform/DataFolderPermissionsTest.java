package dev.parley.platform;

import static dev.parley.testkit.Chat.frame;
import static dev.parley.testkit.Chat.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testkit.Backend;
import dev.parley.testkit.MediaClient;
import dev.parley.testkit.ParleyServer;
import dev.parley.testkit.Users;
import dev.parley.testkit.Users.Device;
import dev.parley.testkit.WsClient;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.util.FileSystemUtils;

/**
 * The data folder holds the database and its WAL (every message), the signing keys and the media: nothing in it may
 * be readable by another local user. A server started on a data folder that does not exist yet, and one started on
 * an existing folder left open to others (as older versions, or a umask of 022, made them), end up with every
 * folder {@code rwx------} and every file {@code rw-------}, after messages and uploads (finished and in progress).
 */
@ParameterizedClass
@EnumSource(Backend.class)
class DataFolderPermissionsTest {
    @Parameter
    Backend backend;

    @Test
    void aNewDataFolderAndEverythingInItAreOwnerOnly() throws Exception {
        Path parent = Files.createTempDirectory("parley-perm-");
        Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path data = parent.resolve("var").resolve("parley"); // two levels that do not exist yet
        try {
            useAndCheck(data);
            assertThat(mode(parent.resolve("var"))).as("a parent the server created").isEqualTo("rwx------");
        } finally {
            FileSystemUtils.deleteRecursively(parent);
        }
    }

    @Test
    void anExistingDataFolderOpenToOthersIsTightenedAtStart() throws Exception {
        Path data = Files.createTempDirectory("parley-perm-");
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path uploads = Files.createDirectories(data.resolve("media").resolve("uploads"));
        Files.setPosixFilePermissions(data.resolve("media"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(uploads, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path old = Files.writeString(data.resolve("notes.txt"), "left by an older version");
        Files.setPosixFilePermissions(old, PosixFilePermissions.fromString("rw-r--r--"));
        try {
            useAndCheck(data);
            assertThat(mode(old)).isEqualTo("rw-------");
        } finally {
            FileSystemUtils.deleteRecursively(data);
        }
    }

    /** Starts a server on {@code data}, sends messages and uploads media, and checks every entry under it. */
    private void useAndCheck(Path data) throws Exception {
        ParleyServer server = ParleyServer.dedicated(backend, Map.of("parley.data-dir", data.toString()));
        try {
            Users users = new Users(server);
            Device alice = users.newUserDevice("perm");
            Device bob = users.newUserDevice("perm");
            users.befriend(alice, bob);
            try (WsClient ws = WsClient.connect(server, alice.accessToken())) {
                ws.await("hello");
                for (int i = 0; i < 20; i++) {
                    ok(ws.request(frame("type", "send", "to", bob.user().id(), "clientMsgId", "perm-" + i, "text", "message " + i)));
                }
            }
            MediaClient media = new MediaClient(server);
            media.uploaded(alice.accessToken(), "image", "photo.jpg", MediaClient.fixture("photo-gps.jpg"), "image/jpeg");
            media.uploaded(alice.accessToken(), "video", "clip.mp4", MediaClient.fixture("video.mp4"), null);
            media.uploaded(alice.accessToken(), "file", "doc.pdf", MediaClient.fixture("doc.pdf"), null);
            // An upload in progress: its .part file stays.
            String open = media.create(alice.accessToken(), "file", "half.txt", 10_000, null).body().get("uploadId").asString();
            assertThat(media.patch(alice.accessToken(), open, 0, new byte[5000]).status()).isEqualTo(200);

            assertThat(data.resolve("media-url-signing.key")).exists();
            assertThat(data.resolve("media").resolve("uploads").resolve(open + ".part")).exists();
            assertThat(data.resolve("media").resolve("blobs")).isDirectory();
            if (backend == Backend.SQLITE) {
                assertThat(data.resolve("parley.db")).exists();
                assertThat(data.resolve("parley.db-wal")).exists();
                assertThat(data.resolve("parley.db-shm")).exists();
            }
            List<String> open2others = new ArrayList<>();
            try (Stream<Path> all = Files.walk(data)) {
                for (Path p : (Iterable<Path>) all::iterator) {
                    String want = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "rwx------" : "rw-------";
                    String got = mode(p);
                    if (!got.equals(want)) open2others.add(data.relativize(p) + " " + got);
                }
            }
            assertThat(open2others).as("entries under the data folder not owner-only").isEmpty();
        } finally {
            server.stop();
        }
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }
}
