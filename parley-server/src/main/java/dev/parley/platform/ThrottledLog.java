package dev.parley.platform;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * One log line per interval at most, saying how many like it were left out: what a flood of bad connections
 * causes must not become a flood of log lines (disk, and the operator's attention).
 */
public final class ThrottledLog {
    private final Logger log;
    private final long intervalMillis;
    private final AtomicLong nextAt = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();

    public ThrottledLog(Logger log, long intervalMillis) {
        this.log = log;
        this.intervalMillis = intervalMillis;
    }

    /** {@code message} has one {@code {}} per argument; the count of lines left out since the last is appended. */
    public void warn(String message, Object... args) {
        long now = System.currentTimeMillis();
        long at = nextAt.get();
        if (now < at || !nextAt.compareAndSet(at, now + intervalMillis)) {
            skipped.incrementAndGet();
            return;
        }
        long left = skipped.getAndSet(0);
        if (left == 0) {
            log.warn(message, args);
        } else {
            Object[] withCount = java.util.Arrays.copyOf(args, args.length + 1);
            withCount[args.length] = left;
            log.warn(message + " ({} more like it not logged)", withCount);
        }
    }
}
