package dev.parley.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testkit.Api;
import dev.parley.testkit.Backend;
import dev.parley.testkit.MediaClient;
import dev.parley.testkit.ParleyServer;
import dev.parley.testkit.Users;
import dev.parley.testkit.Users.Device;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The per-user limits on reserving upload space, attacked with parallel creates on both databases (the store plays
 * no part: these are checked at create, before any byte): the quota holds exactly however many creates race for it,
 * and a user may have only so many unfinished uploads open, each finished, cancelled or expired one freeing its place.
 * On a server of its own: quota 10 MiB, 12 open uploads, uploads expire after 8 s.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class MediaUploadLimitsTest {
    private static final int MIB = 1 << 20;
    private static final int MAX_OPEN = 12;
    private static final long EXPIRY_MILLIS = 8_000;
    private static final Map<Backend, ParleyServer> SERVERS = new EnumMap<>(Backend.class);

    @Parameter
    Backend backend;

    ParleyServer server;
    Users users;
    MediaClient media;

    @BeforeEach
    void limitedServer() {
        server = SERVERS.computeIfAbsent(backend, b -> {
            try {
                return ParleyServer.dedicated(b, Map.of(
                        "parley.media.quota-per-user", "10MB",
                        "parley.media.max-open-uploads", MAX_OPEN,
                        "parley.media.upload-expiry", EXPIRY_MILLIS + "ms"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        users = new Users(server);
        media = new MediaClient(server);
    }

    @AfterAll
    static void stopServers() {
        SERVERS.values().forEach(ParleyServer::stop);
        SERVERS.clear();
    }

    /** Fires {@code n} creates at once (all threads released together) and returns the answers. */
    private List<Api.Response> inParallel(int n, Function<Integer, Api.Response> create) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Api.Response>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                futures.add(pool.submit(() -> {
                    go.await();
                    return create.apply(k);
                }));
            }
            go.countDown();
            List<Api.Response> out = new ArrayList<>();
            for (Future<Api.Response> f : futures) out.add(f.get());
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void sixtyParallelReservationsOfOneMebibyteAgainstATenMebibyteQuotaAcceptExactlyTen() throws Exception {
        Device alice = users.newUserDevice("race");
        List<Api.Response> answers = inParallel(60, i -> media.create(alice.accessToken(), "file", "part" + i + ".bin", MIB, null));
        assertThat(answers.stream().filter(r -> r.status() == 201).count()).as("accepted").isEqualTo(10);
        assertThat(answers.stream().filter(r -> r.status() != 201))
                .allSatisfy(r -> assertThat(r.code()).as(r.raw()).isEqualTo("quota_exceeded"));
    }

    @Test
    void sixtyParallelCreatesAcceptExactlyAsManyOpenUploadsAsAllowed() throws Exception {
        Device alice = users.newUserDevice("openrace");
        List<Api.Response> answers = inParallel(60, i -> media.create(alice.accessToken(), "file", "f" + i + ".txt", 1000, null));
        assertThat(answers.stream().filter(r -> r.status() == 201).count()).as("accepted").isEqualTo(MAX_OPEN);
        assertThat(answers.stream().filter(r -> r.status() != 201)).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(409);
            assertThat(r.code()).as(r.raw()).isEqualTo("too_many_open_uploads");
        });
    }

    @Test
    void finishedCancelledAndExpiredUploadsFreeTheirPlace() throws Exception {
        Device alice = users.newUserDevice("open");
        byte[] text = MediaUploadTest.text(1000, 7);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < MAX_OPEN; i++) {
            Api.Response c = media.create(alice.accessToken(), "file", "f" + i + ".txt", text.length, null);
            assertThat(c.status()).as(c.raw()).isEqualTo(201);
            ids.add(c.body().get("uploadId").asString());
        }
        long allOpenAt = System.currentTimeMillis();
        Api.Response refused = media.create(alice.accessToken(), "file", "one-more.txt", text.length, null);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.code()).isEqualTo("too_many_open_uploads");
        // Another user is not affected.
        assertThat(media.create(users.newUserDevice("other").accessToken(), "file", "x.txt", 10, null).status()).isEqualTo(201);

        assertThat(media.cancel(alice.accessToken(), ids.get(0)).status()).isEqualTo(204);
        Api.Response afterCancel = media.create(alice.accessToken(), "file", "after-cancel.txt", text.length, null);
        assertThat(afterCancel.status()).as(afterCancel.raw()).isEqualTo(201);
        assertThat(media.create(alice.accessToken(), "file", "again.txt", text.length, null).code()).isEqualTo("too_many_open_uploads");

        MediaClient.Bytes done = media.sendAll(alice.accessToken(), ids.get(1), text, text.length);
        assertThat(done.status()).as(done.text()).isEqualTo(200);
        Api.Response afterFinish = media.create(alice.accessToken(), "file", "after-finish.txt", text.length, null);
        assertThat(afterFinish.status()).as(afterFinish.raw()).isEqualTo(201);
        assertThat(media.create(alice.accessToken(), "file", "again.txt", text.length, null).code()).isEqualTo("too_many_open_uploads");

        // The first ten expire (unswept: the sweep runs every 5 minutes here), and no longer count.
        Api.Response afterExpiry;
        long deadline = allOpenAt + EXPIRY_MILLIS + 15_000;
        do {
            afterExpiry = media.create(alice.accessToken(), "file", "after-expiry.txt", text.length, null);
            if (afterExpiry.status() == 201) break;
            assertThat(afterExpiry.code()).isEqualTo("too_many_open_uploads");
            Thread.sleep(200); // polling until the uploads' expiry time has passed
        } while (System.currentTimeMillis() < deadline);
        assertThat(afterExpiry.status()).as(afterExpiry.raw()).isEqualTo(201);
        assertThat(System.currentTimeMillis()).as("not before they expired").isGreaterThanOrEqualTo(allOpenAt + EXPIRY_MILLIS - 1000);
    }
}
