package dev.parley.testkit;

import dev.parley.platform.Db;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Base of the media tests, which run on both databases and both stores: annotate the subclass with
 * {@code @ParameterizedClass @MethodSource("dev.parley.testkit.OnDatabasesAndStores#all")}. Gives the server of that
 * combination, a media client, and looks into the store, the uploads folder and the tables to check that nothing
 * half-stored is left behind.
 */
public abstract class OnDatabasesAndStores {
    @Parameter(0)
    protected Backend backend;
    @Parameter(1)
    protected Store store;

    protected ParleyServer server;
    protected Users users;
    protected Api api;
    protected MediaClient media;
    protected final List<WsClient> opened = new ArrayList<>();

    public static Stream<Arguments> all() {
        return Stream.of(Backend.values()).flatMap(b -> Stream.of(Store.values()).map(s -> Arguments.of(b, s)));
    }

    @BeforeEach
    void useMediaServer() {
        use(MediaServers.server(backend, store));
    }

    /** A WebSocket of the device on the current server, past its hello; closed after the test. */
    protected WsClient connect(Users.Device d) {
        WsClient ws = WsClient.connect(server, d.accessToken());
        opened.add(ws);
        ws.await("hello");
        return ws;
    }

    @AfterEach
    void closeOpenedClients() {
        opened.forEach(WsClient::close);
    }

    /** Switches the test to another server (e.g. one with small limits). */
    protected void use(ParleyServer s) {
        server = s;
        users = new Users(server);
        api = users.api();
        media = new MediaClient(server);
    }

    /** The blobs in the current server's store (local folder or S3 bucket). */
    protected Set<String> storedBlobs() {
        try {
            if (store == Store.S3) {
                String bucket = server.bean(org.springframework.core.env.Environment.class).getProperty("parley.media.s3.bucket");
                return new TreeSet<>(S3Proxy.shared().objects(bucket));
            }
            Path blobs = server.dataDir().resolve("media").resolve("blobs");
            if (!Files.exists(blobs)) return Set.of();
            try (Stream<Path> s = Files.walk(blobs)) {
                return new TreeSet<>(s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).toList());
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Files in the uploads folder (uploads in progress and work files). */
    protected List<String> uploadFiles() {
        Path dir = server.dataDir().resolve("media").resolve("uploads");
        if (!Files.exists(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The uploads folder holds only the files of uploads in progress ({@code <id>.part} with a row): no work file
     * (stripped image, thumbnail, poster) and no file of a finished, failed or cancelled upload.
     */
    protected void assertNoStrayUploadFiles() {
        List<String> live = server.bean(Db.class).read(tx -> tx.query("SELECT id FROM media_uploads", rs -> rs.getString(1) + ".part"));
        org.assertj.core.api.Assertions.assertThat(uploadFiles()).as("files in the uploads folder").isSubsetOf(live);
    }

    /** A count from the server's database, e.g. the user's media rows. */
    protected long count(String sql, Object... params) {
        return server.bean(Db.class).read(tx -> tx.queryLong(sql, params));
    }
}
