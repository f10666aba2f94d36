package dev.parley.platform;

import static dev.parley.testkit.Chat.awaitEntry;
import static dev.parley.testkit.Chat.frame;
import static dev.parley.testkit.Chat.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.search.internal.SearchIndexing;
import dev.parley.testkit.Backend;
import dev.parley.testkit.ParleyServer;
import dev.parley.testkit.TestDb;
import dev.parley.testkit.Users;
import dev.parley.testkit.Users.Device;
import dev.parley.testkit.WsClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * protocol.md §13 promises that a recall erases the text "from storage". On SQLite that means the bytes: not in the
 * database file (free space in a page, a free page, the search index) and not in the WAL once it has been
 * checkpointed, where older versions of a page stay until the file is rewritten: neither the message's text nor the
 * texts its edit kept (the original) and carried (the edit entry).
 * The attacker here is whoever later reads the files (a backup, a stolen disk, a local account): they scan the bytes
 * for a marker text. SQLite only: on PostgreSQL dead tuples stay until VACUUM (docs/security.md, "Storage at rest").
 */
class ErasedTextInTheFileTest {
    /** The WAL is emptied at the writer's first idle moment a second after a write; the checkpointer runs every 0.5 s. */
    private static final long DEADLINE_MILLIS = 15_000;

    @Test
    void aRecalledTextAndItsEditsLeaveNoBytesInTheDatabaseFileOrTheWal() throws Exception {
        ParleyServer server = Backend.SQLITE.server();
        Users users = new Users(server);
        Device a = users.newUserDevice("erase_a");
        Device b = users.newUserDevice("erase_b");
        users.befriend(a, b);
        String first = "first-" + UUID.randomUUID().toString().replace("-", "") + " " + "long text to spill ".repeat(150);
        String second = "second-" + UUID.randomUUID().toString().replace("-", "");
        String firstMarker = first.substring(0, 38);
        try (WsClient wa = WsClient.connect(server, a.accessToken()); WsClient wb = WsClient.connect(server, b.accessToken())) {
            wa.await("hello");
            wb.await("hello");
            JsonAck ack = new JsonAck(ok(wa.request(frame("type", "send", "to", b.user().id(), "clientMsgId", "erase-1", "text", first))));
            awaitEntry(wb, ack.conversationId, "text");
            server.bean(SearchIndexing.class).indexNow(); // into the FTS5 index too
            // The scan does find the text while it is stored.
            awaitFiles(server, firstMarker, true);

            // An edit keeps the original (former members see the message as it was) and its entry carries the new
            // text: both are stored until a recall.
            ok(wa.request(frame("type", "edit", "conversationId", ack.conversationId, "messageId", ack.messageId, "text", second)));
            server.bean(SearchIndexing.class).indexNow();
            awaitFiles(server, second, true);

            ok(wa.request(frame("type", "recall", "conversationId", ack.conversationId, "messageId", ack.messageId)));
            server.bean(SearchIndexing.class).indexNow();
            awaitFiles(server, firstMarker, false);
            awaitFiles(server, second, false);
            assertThat(TestDb.query(server, "SELECT COUNT(*) FROM message_search WHERE message_search MATCH ?", "\"" + second + "\"")
                    .get(0).get(0).toString()).isEqualTo("0");
        }
    }

    private record JsonAck(long conversationId, long messageId) {
        JsonAck(tools.jackson.databind.JsonNode ack) {
            this(ack.get("conversationId").asLong(), ack.get("messageId").asLong());
        }
    }

    /** Polls until the marker is (or is no longer) in the database file or the WAL; fails at the deadline. */
    private static void awaitFiles(ParleyServer server, String marker, boolean present) throws Exception {
        long deadline = System.currentTimeMillis() + DEADLINE_MILLIS;
        List<String> holding;
        do {
            holding = filesHolding(server.dataDir(), marker);
            if (holding.isEmpty() != present) return;
            Thread.sleep(50); // polling the files: the writer and checkpointer change them on their own schedule
        } while (System.currentTimeMillis() < deadline);
        assertThat(holding).as("files holding \"" + marker.substring(0, 12) + "...\"").matches(h -> h.isEmpty() != present);
    }

    private static List<String> filesHolding(Path data, String marker) throws IOException {
        List<String> out = new ArrayList<>();
        for (String name : List.of("parley.db", "parley.db-wal")) {
            Path f = data.resolve(name);
            if (!Files.exists(f)) continue;
            String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
            if (bytes.contains(marker)) out.add(name);
        }
        return out;
    }
}
