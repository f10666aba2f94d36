package dev.parley.testkit;

import dev.parley.ParleyApplication;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;

/**
 * A real Parley server on a random port, one per database for the whole test run (started on first use).
 * Each run gets its own data folder and, on PostgreSQL, its own database, dropped when the JVM exits, so that
 * runs never see each other's data. Tests keep out of each other's way by registering fresh users.
 * PostgreSQL: {@code PARLEY_TEST_PG_URL} (default jdbc:postgresql://127.0.0.1:5432/postgres, user postgres).
 */
public final class ParleyServer {
    /** Tests sign tokens with this key to make expired or forged ones. */
    public static final String SIGNING_KEY = "parley-test-signing-key-0123456789abcdef";

    private static final Map<Backend, ParleyServer> SHARED = new EnumMap<>(Backend.class);

    private final Backend backend;
    private final ConfigurableApplicationContext context;
    private final Path dataDir;
    private final int port;

    private ParleyServer(Backend backend, Map<String, Object> extra, boolean productionLimits) throws Exception {
        this.backend = backend;
        this.dataDir = Files.createTempDirectory("parley-test-" + backend.name().toLowerCase() + "-");
        Map<String, Object> props = new HashMap<>();
        props.put("server.port", 0);
        props.put("server.address", "127.0.0.1");
        props.put("parley.data-dir", dataDir.toString());
        props.put("parley.security.token-signing-key", SIGNING_KEY);
        // Argon2id as in production, with less memory so that a test run registering hundreds of users stays quick.
        props.put("parley.security.argon2-memory-kib", 4096);
        props.put("parley.websocket.sweep-interval", "1s");
        // Every test connects from 127.0.0.1, many users and many connections at once: the per-address and
        // per-account connection limits are tested on dedicated servers (ConnectionLimitsTest).
        props.put("parley.connections.max-per-address", 100_000);
        props.put("parley.connections.max-per-user", 10_000);
        props.put("parley.connections.max-per-session", 10_000);
        // Offline is announced after this grace; short, so that presence tests need not wait 10 s.
        props.put("parley.presence.offline-grace", "1s");
        // SQLite search indexing runs when a test calls SearchIndexing.indexNow(), so that each search test knows
        // which path it checks (the unindexed tail, or FTS5); SearchIndexingTest runs the loop itself.
        props.put("parley.search.index-interval", "1h");
        if (!productionLimits) {
            // Every test signs up from 127.0.0.1, hundreds of times per run, sometimes many at once: limits that
            // would refuse that are tested on servers of their own (dedicatedWithProductionLimits).
            props.put("parley.registration.max-per-address", 1_000_000);
            props.put("parley.password-hashing.max-queued", 100_000);
            props.put("parley.password-hashing.max-wait", "60s");
        }
        // Tests upload in parallel from few users; the open-upload limit is tested on servers of its own.
        props.put("parley.media.max-open-uploads", 1000);
        // Rate limits are per user; tests send and create as fast as they can, one user often on several
        // connections. Generous here; the rate-limit tests tighten them on servers of their own.
        props.put("parley.limits.frames-per-second", 1000);
        props.put("parley.limits.frame-burst", 2000);
        for (String action : new String[] {"sends", "friend-requests", "group-creations", "group-joins", "invite-creations", "uploads", "searches"}) {
            props.put("parley.rate-limits." + action + ".per-second", 100_000);
            props.put("parley.rate-limits." + action + ".burst", 100_000);
        }
        if (backend == Backend.POSTGRESQL) {
            String db = createPostgresDatabase();
            props.put("parley.database.url", pgUrl(db));
            props.put("parley.database.username", pgUser());
            // Several test servers (and, on a shared machine, several test runs) share one PostgreSQL and its
            // max_connections (100 by default): keep each server's pool small.
            props.put("parley.database.pool-size", 6);
        }
        props.putAll(extra);
        // As command-line arguments: they outrank application.yml (builder properties would not).
        String[] args = props.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        // Each instance serves on event loops of its own (WebSetup's ReactorResourceFactory), so stopping a
        // dedicated server does not stop the shared ones in this JVM.
        this.context = new SpringApplicationBuilder(ParleyApplication.class).run(args);
        this.port = ((WebServerApplicationContext) context).getWebServer().getPort();
    }


    public static synchronized ParleyServer shared(Backend backend) {
        return SHARED.computeIfAbsent(backend, b -> {
            try {
                ParleyServer s = new ParleyServer(b, Map.of(), false);
                Runtime.getRuntime().addShutdownHook(new Thread(s::stop));
                return s;
            } catch (Exception e) {
                throw new IllegalStateException("could not start Parley on " + b, e);
            }
        });
    }

    /** A server of its own, for tests that change settings (limits, timeouts). Stop it when done. */
    public static ParleyServer dedicated(Backend backend, Map<String, Object> settings) throws Exception {
        return new ParleyServer(backend, settings, false);
    }

    /**
     * A server of its own that keeps the production defaults of the sign-up and hashing limits (which the shared
     * and other dedicated servers raise for the test run), plus {@code settings}. Stop it when done.
     */
    public static ParleyServer dedicatedWithProductionLimits(Backend backend, Map<String, Object> settings) throws Exception {
        return new ParleyServer(backend, settings, true);
    }

    public Backend backend() { return backend; }

    public int port() { return port; }

    public String http() { return "http://127.0.0.1:" + port; }

    public String ws() { return "ws://127.0.0.1:" + port + "/ws"; }

    public Path dataDir() { return dataDir; }

    public <T> T bean(Class<T> type) { return context.getBean(type); }

    public synchronized void stop() {
        if (!context.isActive()) return;
        String url = backend == Backend.POSTGRESQL ? (String) context.getEnvironment().getProperty("parley.database.url") : null;
        context.close();
        if (url != null) dropPostgresDatabase(url.substring(url.lastIndexOf('/') + 1));
        try {
            FileSystemUtils.deleteRecursively(dataDir);
        } catch (IOException ignored) {
            // a temp folder left behind is harmless
        }
    }

    private static String pgBase() {
        String v = System.getenv("PARLEY_TEST_PG_URL");
        return v != null && !v.isBlank() ? v : "jdbc:postgresql://127.0.0.1:5432/postgres";
    }

    private static String pgUser() {
        String v = System.getenv("PARLEY_TEST_PG_USER");
        return v != null && !v.isBlank() ? v : "postgres";
    }

    private static String pgUrl(String db) {
        String base = pgBase();
        return base.substring(0, base.lastIndexOf('/') + 1) + db;
    }

    private static String createPostgresDatabase() throws SQLException {
        String name = "parley_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection c = DriverManager.getConnection(pgBase(), pgUser(), ""); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return name;
    }

    private static void dropPostgresDatabase(String name) {
        try (Connection c = DriverManager.getConnection(pgBase(), pgUser(), ""); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            System.err.println("could not drop test database " + name + ": " + e.getMessage());
        }
    }
}
