package dev.parley.platform.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.parley.platform.Db;
import dev.parley.platform.ParleyProperties;
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
            if (url == null) {
                Path dir = props.dataDir().toAbsolutePath().normalize();
                Files.createDirectories(dir);
                url = "jdbc:sqlite:" + dir.resolve("parley.db");
            }
            migrate(SqliteDb.dataSource(url, false), "sqlite");
            log.info("Database: embedded SQLite ({})", url.substring("jdbc:sqlite:".length()));
            return new SqliteDb(url, Math.max(2, Math.min(cfg.poolSize(), 8)));
        }
        if (url.startsWith("jdbc:postgresql:")) {
            HikariConfig hc = new HikariConfig();
            hc.setJdbcUrl(url);
            if (cfg.username() != null && !cfg.username().isBlank()) hc.setUsername(cfg.username());
            if (cfg.password() != null && !cfg.password().isBlank()) hc.setPassword(cfg.password());
            hc.setMaximumPoolSize(cfg.poolSize());
            hc.setPoolName("postgresql");
            HikariDataSource pool = new HikariDataSource(hc);
            migrate(pool, "postgresql");
            log.info("Database: PostgreSQL ({})", url.replaceAll("password=[^&]*", "password=***"));
            return new PostgresDb(pool);
        }
        throw new IllegalArgumentException("parley.database.url must be empty, jdbc:sqlite:... or jdbc:postgresql:...");
    }

    private static void migrate(DataSource ds, String dialect) {
        Flyway.configure()
                .dataSource(ds)
                .locations("classpath:db/migration/" + dialect)
                .load()
                .migrate();
    }
}
