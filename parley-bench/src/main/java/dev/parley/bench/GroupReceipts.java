package dev.parley.bench;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A generator process's side of the group scenario: counts receipts of the messages "G0", "G1"... over its
 * slice of connections and prints {@code ALL k micros n} once every connection has message k (or after 60 s).
 */
final class GroupReceipts {
    private static final String MARK = "\"text\":\"G";

    private record Tally(AtomicInteger count, AtomicLong lastMicros, AtomicBoolean printed) {}

    private final int expected;
    private final ConcurrentHashMap<Integer, Tally> tallies = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "group-timeout");
        t.setDaemon(true);
        return t;
    });

    GroupReceipts(int expected) {
        this.expected = expected;
    }

    void received(String frame) {
        long now = GroupScenario.nowMicros();
        int at = frame.indexOf(MARK);
        if (at < 0) return;
        int end = frame.indexOf('"', at + MARK.length());
        int k;
        try {
            k = Integer.parseInt(frame.substring(at + MARK.length(), end));
        } catch (NumberFormatException e) {
            return;
        }
        Tally t = tallies.computeIfAbsent(k, key -> {
            Tally fresh = new Tally(new AtomicInteger(), new AtomicLong(), new AtomicBoolean());
            timer.schedule(() -> print(key, fresh), 60, TimeUnit.SECONDS);
            return fresh;
        });
        t.lastMicros().accumulateAndGet(now, Math::max);
        if (t.count().incrementAndGet() == expected) print(k, t);
    }

    private void print(int k, Tally t) {
        if (!t.printed().compareAndSet(false, true)) return;
        synchronized (System.out) {
            System.out.println("ALL " + k + " " + t.lastMicros().get() + " " + t.count().get());
            System.out.flush();
        }
    }
}
