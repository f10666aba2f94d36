package dev.parley.search.internal;

import dev.parley.platform.Db;
import dev.parley.platform.Dialect;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * SQLite only: moves new messages into the FTS5 index {@code message_search}, up to {@link #BATCH} ids per write,
 * every {@code parley.search.index-interval} (200 ms by default), through the one writer like every other write.
 * One indexing write per interval costs the writer far less than one FTS5 insert per message inside each
 * group-commit batch (ADR 0014). Until a message is indexed, {@link MatchingMessages} finds it by scanning the
 * unindexed tail. PostgreSQL's GIN index follows every insert by itself: nothing to do there.
 */
@Component
public class SearchIndexing implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(SearchIndexing.class);
    /** Ids per indexing write: about 2 ms of the writer per 1,000 messages, so one write never holds it long. */
    static final long BATCH = 5_000;

    private final Db db;
    private final Duration interval;
    private volatile Thread loop;

    public SearchIndexing(Db db, @Value("${parley.search.index-interval:200ms}") Duration interval) {
        this.db = db;
        this.interval = interval;
    }

    /**
     * Indexes every message stored so far (in batches), then returns the id it indexed through; 0 on PostgreSQL.
     * The loop calls it; tests call it to reach the indexed path without waiting.
     */
    public long indexNow() {
        if (db.dialect() != Dialect.SQLITE) return 0;
        while (true) {
            // Read first: an idle server puts no empty write in the writer's queue.
            long[] state = db.read(tx -> new long[] {
                    tx.queryLong("SELECT indexed_through FROM search_progress"),
                    tx.queryLong("SELECT COALESCE(MAX(id), 0) FROM messages")});
            if (state[1] <= state[0]) return state[0];
            long through = db.write(tx -> {
                // Again inside the write: only the writer moves the mark, but read it where it counts.
                long from = tx.queryLong("SELECT indexed_through FROM search_progress");
                long to = Math.min(tx.queryLong("SELECT COALESCE(MAX(id), 0) FROM messages"), from + BATCH);
                if (to <= from) return from;
                // The message as it is now: an edit or recall made before it was indexed is already in its row.
                tx.update("""
                        INSERT INTO message_search (rowid, body) SELECT id, body FROM messages
                        WHERE id > ? AND id <= ? AND kind IN ('text', 'media') AND recalled_at IS NULL""", from, to);
                tx.update("UPDATE search_progress SET indexed_through = ?", to);
                return to;
            });
            if (through >= state[1]) return through;
        }
    }

    private void run() {
        while (loop != null) {
            try {
                Thread.sleep(interval);
                indexNow();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (loop != null) log.warn("Search indexing failed; the next round retries", e);
            }
        }
    }

    @Override
    public void start() {
        if (db.dialect() != Dialect.SQLITE) return;
        // Set before it starts: the loop runs while this field holds it (a thread started first could see null).
        Thread t = Thread.ofVirtual().name("parley-search-indexing").unstarted(this::run);
        loop = t;
        t.start();
    }

    @Override
    public void stop() {
        Thread t = loop;
        loop = null;
        if (t != null) {
            t.interrupt();
            try {
                t.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() { return loop != null; }
}
