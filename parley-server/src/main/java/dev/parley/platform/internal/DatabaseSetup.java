package dev.parley.platform.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.parley.platform.Db;
import dev.parley.platform.ParleyProperties;
import dev.parley.platform.PrivateFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Picks the database from {@code parley.database.url} (empty: embedded SQLite) and migrates it with Flyway. */
@Configuration(proxyBeanMethods = false)
class DatabaseSetup {
    private static final Logger log = LoggerFactory.getLogger(DatabaseSetup.class);

    @Bean(destroyMethod = "close")
    Db db(ParleyProperties props) throws Exception {
        ParleyProperties.Database cfg = props.database();
        String url = cfg.url() == null || cfg.url().isBlank() ? null : cfg.url().trim();
        if (url == null || url.startsWith("jdbc:sqlite:")) {
            Path dir = PrivateFiles.dataDir(props.dataDir());
            if (url == null) url = "jdbc:sqlite:" + dir.resolve("parley.db");
            ownerOnlyDatabaseFile(url);
            SqliteDb.sizePagesIfNew(url);
            migrate(SqliteDb.dataSource(url, false), "sqlite");
            log.info("Database: embedded SQLite ({})", url.substring("jdbc:sqlite:".length()));
            return new SqliteDb(url, Math.max(2, Math.min(cfg.poolSize(), 8)));
        }
        if (url.startsWith("jdbc:postgresql:")) {
            HikariDataSource writers = postgresPool(cfg, url, "postgresql", null);
            migrate(writers, "postgresql");
            // Reads get pooled connections of their own whose transactions are read-only snapshots by default:
            // no SET TRANSACTION round trip per read (PostgresDb).
            // (The startup packet's options, https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNECT-OPTIONS:
            // a backslash keeps the space in "repeatable read".)
            HikariDataSource readers = postgresPool(cfg, url, "postgresql-readers",
                    "-c default_transaction_isolation=repeatable\\ read -c default_transaction_read_only=on");
            log.info("Database: PostgreSQL ({})", url.replaceAll("password=[^&]*", "password=***"));
            return new PostgresDb(writers, readers);
        }
        throw new IllegalArgumentException("parley.database.url must be empty, jdbc:sqlite:... or jdbc:postgresql:...");
    }

    /**
     * SQLite creates a database file with mode 0644 less the umask, and its {@code -wal} and {@code -shm} files with
     * the database file's mode (https://sqlite.org/tempfiles.html; os_unix.c findCreateFileMode): so an empty file
     * created owner-only beforehand (an empty file is an empty database) makes all three owner-only.
     */
    private static void ownerOnlyDatabaseFile(String url) throws java.io.IOException {
        String path = url.substring("jdbc:sqlite:".length());
        if (path.startsWith("file:") || path.contains("?") || path.isBlank() || path.startsWith(":")) return; // URIs, memory
        Path file = Path.of(path).toAbsolutePath();
        if (file.getParent() != null && !Files.isDirectory(file.getParent())) PrivateFiles.createDirectories(file.getParent());
        PrivateFiles.createFileIfMissing(file);
    }

    /**
     * A pool of up to {@code pool-size} connections, opened as load needs them (PostgreSQL's max_connections is
     * shared by every node). {@code options}: session settings sent when each connection opens, or null.
     */
    private static HikariDataSource postgresPool(ParleyProperties.Database cfg, String url, String name, String options) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        if (cfg.username() != null && !cfg.username().isBlank()) hc.setUsername(cfg.username());
        if (cfg.password() != null && !cfg.password().isBlank()) hc.setPassword(cfg.password());
        hc.setMaximumPoolSize(cfg.poolSize());
        hc.setMinimumIdle(Math.min(2, cfg.poolSize()));
        hc.setPoolName(name);
        // Every use is a transaction (PostgresDb): connections come with autocommit off, so that nothing toggles
        // it per transaction and the pool has no session state to reset when they come back.
        hc.setAutoCommit(false);
        if (options != null) hc.addDataSourceProperty("options", options);
        return new HikariDataSource(hc);
    }

    /**
     * One migration text for both dialects where they agree (db/migration/common), with placeholders where they
     * differ only in a word; a migration that needs truly different SQL (search: FTS5 on SQLite, pg_trgm on
     * PostgreSQL) goes into db/migration/{@code dialect}, with a version number no common migration uses.
     */
    private static void migrate(DataSource ds, String dialect) {
        String identity = dialect.equals("sqlite") ? "INTEGER PRIMARY KEY" : "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
        Flyway.configure()
                .dataSource(ds)
                .locations("classpath:db/migration/common", "classpath:db/migration/" + dialect)
                .placeholders(java.util.Map.of("id", identity))
                .load()
                .migrate();
    }
}
