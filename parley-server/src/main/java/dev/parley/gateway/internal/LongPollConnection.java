package dev.parley.gateway.internal;

import dev.parley.account.Caller;
import dev.parley.delivery.CloseReason;
import dev.parley.delivery.Connection;
import dev.parley.delivery.Push;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.MonoSink;
import tools.jackson.databind.json.JsonMapper;

/**
 * A long-poll "connection": frames queue here, each numbered; a poll with {@code ack=n} drops frames up to n and
 * returns the rest, or waits for the next one. A poll whose answer was lost is simply repeated with the same ack,
 * so nothing is lost between polls.
 */
final class LongPollConnection implements Connection {
    record Numbered(long n, String json) {}

    record Batch(List<Numbered> frames, boolean closed, Integer closeCode) {}

    final String id;
    private final Caller caller;
    private final JsonMapper json;
    private final int maxQueued;
    private long maxQueuedChars = Long.MAX_VALUE;
    /** Runs once, when the session closes: frees its place in the connection counts. */
    private Runnable onClosed;
    /** Characters of the JSON of the queued frames (about their bytes: frames are mostly ASCII). */
    private long queuedChars;
    private final ArrayDeque<Numbered> queue = new ArrayDeque<>();
    private long next = 1;
    private MonoSink<Batch> waiter;
    private CloseReason closedWith;
    long lastPollAt;

    LongPollConnection(String id, Caller caller, JsonMapper json, int maxQueued, long now) {
        this.id = id;
        this.caller = caller;
        this.json = json;
        this.maxQueued = maxQueued;
        this.lastPollAt = now;
    }

    Caller caller() { return caller; }

    /** Set once, right after construction, before the session is registered for pushes. */
    synchronized void limit(long maxQueuedChars, Runnable onClosed) {
        this.maxQueuedChars = maxQueuedChars;
        this.onClosed = onClosed;
    }

    @Override
    public long userId() { return caller.userId(); }

    @Override
    public long sessionId() { return caller.sessionId(); }

    @Override
    public boolean send(Push push) {
        MonoSink<Batch> wake;
        Batch batch;
        synchronized (this) {
            if (closedWith != null) return false;
            String frame = push.json(json);
            if (queue.size() >= maxQueued || queuedChars + frame.length() > maxQueuedChars) {
                closeLocked(CloseReason.SLOW_CONSUMER);
                wake = waiter;
                waiter = null;
                batch = new Batch(List.of(), true, CloseReason.SLOW_CONSUMER.code());
            } else {
                queue.addLast(new Numbered(next++, frame));
                queuedChars += frame.length();
                wake = waiter;
                waiter = null;
                batch = wake == null ? null : new Batch(new ArrayList<>(queue), false, null);
            }
        }
        if (wake != null) wake.success(batch);
        return closedWith == null;
    }

    /** Drops frames up to {@code ack}; returns what is left, or null after registering {@code sink} to wait. */
    synchronized Batch poll(long ack, MonoSink<Batch> sink, long now) {
        lastPollAt = now;
        while (!queue.isEmpty() && queue.peekFirst().n() <= ack) queuedChars -= queue.pollFirst().json().length();
        if (closedWith != null) return new Batch(new ArrayList<>(queue), true, closedWith.code());
        if (!queue.isEmpty()) return new Batch(new ArrayList<>(queue), false, null);
        if (waiter != null) waiter.success(new Batch(List.of(), false, null)); // a newer poll replaces an older one
        waiter = sink;
        return null;
    }

    synchronized void forgetWaiter(MonoSink<Batch> sink) {
        if (waiter == sink) waiter = null;
    }

    synchronized boolean idleSince(long cutoff) {
        return waiter == null && lastPollAt < cutoff;
    }

    @Override
    public void close(CloseReason reason) {
        MonoSink<Batch> wake;
        synchronized (this) {
            if (closedWith != null) return;
            closeLocked(reason);
            wake = waiter;
            waiter = null;
        }
        if (wake != null) wake.success(new Batch(List.of(), true, reason.code()));
    }

    synchronized boolean isClosed() { return closedWith != null; }

    private void closeLocked(CloseReason reason) {
        closedWith = reason;
        if (onClosed != null) onClosed.run(); // only counters: nothing that calls back in here
    }
}
