package dev.parley.platform.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.platform.Db;
import dev.parley.testkit.Backend;
import dev.parley.testkit.ParleyServer;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL's two pools: reads run as read-only REPEATABLE READ snapshots by their sessions' default (no SET
 * TRANSACTION round trip), writes as READ COMMITTED read-write transactions.
 */
class PostgresDbTest {
    private final Db db = ParleyServer.shared(Backend.POSTGRESQL).bean(Db.class);

    @Test
    void readsAreReadOnlySnapshotsAndWritesAreNot() {
        for (int i = 0; i < 3; i++) { // more than one pooled connection, new and reused
            assertThat(inRead("transaction_isolation")).isEqualTo("repeatable read");
            assertThat(inRead("transaction_read_only")).isEqualTo("on");
            assertThat(inWrite("transaction_isolation")).isEqualTo("read committed");
            assertThat(inWrite("transaction_read_only")).isEqualTo("off");
        }
        assertThatThrownBy(() -> db.read(tx -> tx.update("CREATE TEMP TABLE nope (x int)")))
                .hasStackTraceContaining("read-only transaction");
    }

    @Test
    void aOneStatementReadRunsOnItsOwnAndLeavesTheConnectionToTransactions() {
        for (int i = 0; i < 4; i++) { // more than one pooled connection
            String readOnly = db.readOne(tx -> show(tx, "transaction_read_only"));
            assertThat(readOnly).isEqualTo("on");
            assertThatThrownBy(() -> db.readOne(tx -> tx.update("CREATE TEMP TABLE nope (x int)")))
                    .hasStackTraceContaining("read-only transaction");
            // After it, a read is one transaction again: now() is its start, the same for each of its statements.
            boolean oneTransaction = db.read(tx -> {
                String first = tx.queryOne("SELECT now()::text", rs -> rs.getString(1)).orElseThrow();
                tx.queryOne("SELECT pg_sleep(0.005)::text", rs -> rs.getString(1));
                return first.equals(tx.queryOne("SELECT now()::text", rs -> rs.getString(1)).orElseThrow());
            });
            assertThat(oneTransaction).isTrue();
        }
        // There, each statement is a transaction of its own (so none stays open for a COMMIT to end).
        boolean ownTransactions = db.readOne(tx -> {
            String first = tx.queryOne("SELECT now()::text", rs -> rs.getString(1)).orElseThrow();
            tx.queryOne("SELECT pg_sleep(0.005)::text", rs -> rs.getString(1));
            return !first.equals(tx.queryOne("SELECT now()::text", rs -> rs.getString(1)).orElseThrow());
        });
        assertThat(ownTransactions).isTrue();
    }

    private String inRead(String setting) {
        return db.read(tx -> show(tx, setting));
    }

    private String inWrite(String setting) {
        return db.write(tx -> show(tx, setting));
    }

    private static String show(dev.parley.platform.Tx tx, String setting) throws java.sql.SQLException {
        return tx.queryOne("SELECT current_setting(?)", rs -> rs.getString(1), setting).orElseThrow();
    }
}
