package dev.parley.platform;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token buckets by key (a user id, an address, a pair), with bounded memory: at most {@code maxKeys} buckets, and a
 * bucket that has refilled completely is forgotten (it would behave exactly like a new one). When the table is full,
 * full buckets are swept first; if it is still full the request is refused, so that an attacker who invents keys
 * can fill the table but never grow memory past its bound, and never makes a known key's bucket reset.
 */
public final class KeyedRateLimits {
    private final double ratePerNano;
    private final double burst;
    private final int maxKeys;
    private final LongSupplier nanos;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    public KeyedRateLimits(double ratePerSecond, int burst, int maxKeys) {
        this(ratePerSecond, burst, maxKeys, System::nanoTime);
    }

    public KeyedRateLimits(double ratePerSecond, int burst, int maxKeys, LongSupplier nanos) {
        if (ratePerSecond <= 0 || burst < 1 || maxKeys < 1) throw new IllegalArgumentException("rate, burst and maxKeys must be positive");
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = burst;
        this.maxKeys = maxKeys;
        this.nanos = nanos;
    }

    /** Takes one token for {@code key}; false when its bucket is empty (or no bucket can be made for a new key). */
    public boolean tryTake(String key) {
        long now = nanos.getAsLong();
        Bucket b = buckets.get(key);
        if (b == null) {
            if (buckets.size() >= maxKeys) sweep(now);
            if (buckets.size() >= maxKeys) return false;
            b = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
        }
        synchronized (b) {
            b.refill(now, ratePerNano, burst);
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return true;
            }
            return false;
        }
    }

    /** Seconds until {@code key} has a token again (0 when it has one now); for a {@code retryAfter} hint. */
    public long secondsUntilNext(String key) {
        Bucket b = buckets.get(key);
        if (b == null) return 0;
        synchronized (b) {
            b.refill(nanos.getAsLong(), ratePerNano, burst);
            return b.tokens >= 1 ? 0 : (long) Math.ceil((1 - b.tokens) / ratePerNano / 1e9);
        }
    }

    public int size() { return buckets.size(); }

    /** Forgets buckets that are full again. */
    public void sweep() { sweep(nanos.getAsLong()); }

    private void sweep(long now) {
        for (Iterator<Map.Entry<String, Bucket>> it = buckets.entrySet().iterator(); it.hasNext(); ) {
            Bucket b = it.next().getValue();
            synchronized (b) {
                b.refill(now, ratePerNano, burst);
                if (b.tokens >= burst) it.remove();
            }
        }
    }

    private static final class Bucket {
        double tokens;
        long last;

        Bucket(double tokens, long last) {
            this.tokens = tokens;
            this.last = last;
        }

        void refill(long now, double ratePerNano, double burst) {
            if (now > last) {
                tokens = Math.min(burst, tokens + (now - last) * ratePerNano);
                last = now;
            }
        }
    }
}
