package dev.parley;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.platform.Db;
import dev.parley.testkit.Api;
import dev.parley.testkit.Backend;
import dev.parley.testkit.ParleyServer;
import dev.parley.testkit.Users;
import dev.parley.testkit.WsClient;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * SQLite: SearchIndexing's loop moves new messages into the FTS5 index by itself, behind the writer (ADR 0014).
 * The other search tests drive it by hand (ParleyServer sets a one-hour interval); this one runs it every 100 ms.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SearchIndexingTest {

    @Test
    void newMessagesReachTheIndexWithinAFewIntervals() throws Exception {
        ParleyServer s = ParleyServer.dedicated(Backend.SQLITE, Map.of("parley.search.index-interval", "100ms"));
        try {
            Users users = new Users(s);
            Users.Device alice = users.newUserDevice("idx_alice");
            Users.Device bob = users.newUserDevice("idx_bob");
            users.befriend(alice, bob);
            long last = 0;
            try (WsClient ws = WsClient.connect(s, alice.accessToken())) {
                ws.await("hello");
                for (int i = 0; i < 30; i++) {
                    JsonNode ack = ws.request(Map.of("type", "send", "to", bob.user().id(), "clientMsgId", "idx" + i, "text", "indexed by the loop " + i));
                    last = ack.get("messageId").asLong();
                }
            }
            Db db = s.bean(Db.class);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (indexedThrough(db) < last && System.nanoTime() < deadline) Thread.sleep(50);
            assertThat(indexedThrough(db)).isGreaterThanOrEqualTo(last);
            long target = last;
            long inIndex = db.read(tx -> tx.queryLong(
                    "SELECT COUNT(*) FROM message_search WHERE message_search MATCH '\"by the loop\"' AND rowid <= ?", target));
            assertThat(inIndex).isEqualTo(30L);
            Api.Response r = new Api(s).get("/api/v1/search/messages?q=loop%2029", bob.accessToken());
            assertThat(r.status()).as(r.raw()).isEqualTo(200);
            assertThat(r.body().get("results").get(0).get("message").get("id").asLong()).isEqualTo(last);
        } finally {
            s.stop();
        }
    }

    private static long indexedThrough(Db db) {
        return db.read(tx -> tx.queryLong("SELECT indexed_through FROM search_progress"));
    }
}
