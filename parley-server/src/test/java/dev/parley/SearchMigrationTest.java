package dev.parley;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;

/**
 * The SQLite search migration (V3) indexes the messages that exist when it runs, and only the searchable ones;
 * V6 hands new messages to the indexer behind the writer.
 * (On PostgreSQL V3 is a CREATE INDEX, which covers existing rows by definition.) A database is migrated to V2 with
 * the server's migration locations, given messages by plain SQL, then migrated on.
 */
class SearchMigrationTest {

    @Test
    void theSqliteMigrationIndexesExistingSearchableMessages() throws Exception {
        Path dir = Files.createTempDirectory("parley-search-migration-");
        String url = "jdbc:sqlite:" + dir.resolve("parley.db");
        try {
            flyway(url, "2").migrate();
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("INSERT INTO users (id, username, display_name, password_hash, created_at) VALUES (1, 'a', 'A', 'x', 0), (2, 'b', 'B', 'x', 0)");
                s.execute("INSERT INTO conversations (id, kind, direct_key, created_at, last_seq, last_activity_at, updated_at) VALUES (1, 'direct', '1:2', 0, 5, 0, 0)");
                s.execute("""
                        INSERT INTO messages (id, conversation_id, seq, sender_id, client_msg_id, body, created_at, kind, recalled_at) VALUES
                        (1, 1, 1, 1, 'c1', 'old news 旧闻', 0, 'text', NULL),
                        (2, 1, 2, 2, 'c2', '明日東京に行きます', 0, 'media', NULL),
                        (3, 1, 3, 1, 'c3', '', 0, 'text', 5),
                        (4, 1, 4, 1, 'c4', 'old news edited', 0, 'edit', NULL),
                        (5, 1, 5, 1, 'c5', '', 0, 'system', NULL)""");
            }
            flyway(url, "3").migrate();
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                assertThat(matches(s, "\"old news\"")).containsExactly(1L);
                assertThat(matches(s, "\"東京に\"")).containsExactly(2L);
                assertThat(matches(s, "\"edited\"")).isEmpty();
                s.execute("INSERT INTO message_search (message_search) VALUES ('integrity-check')");
                // And the triggers keep it from here on.
                s.execute("INSERT INTO messages (id, conversation_id, seq, sender_id, client_msg_id, body, created_at) VALUES (6, 1, 6, 2, 'c6', 'fresh news', 0)");
                assertThat(matches(s, "\"news\"")).containsExactly(1L, 6L);
            }
            // V6: what is indexed so far counts as indexed; new messages wait for SearchIndexing, and edits of
            // unindexed messages leave the index alone, while edits of indexed ones still reach it at once.
            flyway(url, "6").migrate();
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT indexed_through FROM search_progress")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong(1)).isEqualTo(6L);
                }
                s.execute("INSERT INTO messages (id, conversation_id, seq, sender_id, client_msg_id, body, created_at) VALUES (7, 1, 7, 2, 'c7', 'late news', 0)");
                assertThat(matches(s, "\"news\"")).containsExactly(1L, 6L);
                s.execute("UPDATE messages SET body = 'later news' WHERE id = 7");
                assertThat(matches(s, "\"later\"")).isEmpty();
                s.execute("UPDATE messages SET body = 'fresh views' WHERE id = 6");
                assertThat(matches(s, "\"news\"")).containsExactly(1L);
                assertThat(matches(s, "\"views\"")).containsExactly(6L);
                s.execute("INSERT INTO message_search (message_search) VALUES ('integrity-check')");
            }
        } finally {
            FileSystemUtils.deleteRecursively(dir);
        }
    }

    /** As DatabaseSetup configures Flyway for SQLite, up to {@code target}. */
    private static Flyway flyway(String url, String target) {
        return Flyway.configure()
                .dataSource(url, null, null)
                .locations("classpath:db/migration/common", "classpath:db/migration/sqlite")
                .placeholders(Map.of("id", "INTEGER PRIMARY KEY"))
                .target(target)
                .load();
    }

    private static List<Long> matches(Statement s, String phrase) throws Exception {
        List<Long> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT rowid FROM message_search WHERE message_search MATCH '" + phrase.replace("'", "''") + "' ORDER BY rowid")) {
            while (rs.next()) out.add(rs.getLong(1));
        }
        return out;
    }
}
