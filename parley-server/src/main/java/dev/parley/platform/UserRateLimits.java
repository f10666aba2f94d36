package dev.parley.platform;

import java.util.function.LongSupplier;

/**
 * Token buckets by user id (refill {@code ratePerSecond}, hold at most {@code burst}), for limits on hot paths: a
 * check is one hash lookup under a striped lock and allocates nothing (the ids are primitive keys of open-addressing
 * tables, not boxed map keys). Memory is bounded: at most {@code maxUsers} buckets; a bucket that has refilled
 * completely behaves exactly like a new one and is dropped when its stripe needs room. When a stripe is full of
 * buckets still refilling, a new user is refused until one has refilled, so an attacker cannot grow memory past the
 * bound, and never resets the bucket of a user already counted.
 */
public final class UserRateLimits {
    private static final int STRIPES = 64;
    private static final int INITIAL_CAPACITY = 16;

    private final double ratePerNano;
    private final double burst;
    private final int maxSlotsPerStripe;
    private final LongSupplier nanos;
    private final Stripe[] stripes = new Stripe[STRIPES];

    public UserRateLimits(double ratePerSecond, int burst, int maxUsers) {
        this(ratePerSecond, burst, maxUsers, System::nanoTime);
    }

    public UserRateLimits(double ratePerSecond, int burst, int maxUsers, LongSupplier nanos) {
        if (!(ratePerSecond > 0) || burst < 1 || maxUsers < 1) throw new IllegalArgumentException("rate, burst and maxUsers must be positive");
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = burst;
        // A stripe keeps at most three quarters of its slots in use; round its table up to a power of two.
        int perStripe = Math.max(1, (maxUsers + STRIPES - 1) / STRIPES);
        this.maxSlotsPerStripe = Math.max(INITIAL_CAPACITY, Integer.highestOneBit(Math.max(1, perStripe * 4 / 3 + 1) - 1) << 1);
        this.nanos = nanos;
        for (int i = 0; i < STRIPES; i++) stripes[i] = new Stripe(INITIAL_CAPACITY);
    }

    public double ratePerSecond() { return ratePerNano * 1e9; }

    public int burst() { return (int) burst; }

    /**
     * Takes one token of {@code userId}'s bucket: 0 when taken, else the nanoseconds until one is there (at least 1).
     */
    public long tryTake(long userId) {
        long h = mix(userId);
        Stripe s = stripes[(int) (h & (STRIPES - 1))];
        long now = nanos.getAsLong();
        synchronized (s) {
            int i = s.find(userId, h);
            if (i < 0) {
                i = s.insert(userId, h, now, this);
                if (i < 0) return nanosForTokens(1); // full of users still refilling: the newcomer waits like them
            }
            double t = s.tokens[i] + (now - s.last[i]) * ratePerNano;
            if (now > s.last[i]) s.last[i] = now;
            if (t > burst) t = burst;
            if (t >= 1) {
                s.tokens[i] = t - 1;
                return 0;
            }
            s.tokens[i] = t;
            return nanosForTokens(1 - t);
        }
    }

    /** Users with a bucket now (buckets not yet dropped). */
    public int size() {
        int n = 0;
        for (Stripe s : stripes) {
            synchronized (s) { n += s.size; }
        }
        return n;
    }

    /** Whole seconds to wait for {@code nanos}, at least 1: the {@code retryAfter} of a refusal. */
    public static long retryAfterSeconds(long nanos) {
        return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }

    private long nanosForTokens(double missing) {
        return Math.max(1, (long) Math.ceil(missing / ratePerNano));
    }

    /** MurmurHash3's finalizer: ids are sequential, the low bits must still spread over stripes and slots. */
    private static long mix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }

    /** One open-addressing table with linear probing; guarded by its own monitor. */
    private static final class Stripe {
        long[] keys;
        boolean[] used;
        double[] tokens;
        long[] last;
        int size;

        Stripe(int capacity) {
            allocate(capacity);
        }

        private void allocate(int capacity) {
            keys = new long[capacity];
            used = new boolean[capacity];
            tokens = new double[capacity];
            last = new long[capacity];
            size = 0;
        }

        int find(long key, long h) {
            int mask = keys.length - 1;
            for (int i = (int) (h >>> 6) & mask; used[i]; i = (i + 1) & mask) {
                if (keys[i] == key) return i;
            }
            return -1;
        }

        /** A new full bucket for {@code key}; -1 when the stripe is at its bound with no bucket to drop. */
        int insert(long key, long h, long now, UserRateLimits limits) {
            if ((size + 1) * 4 > keys.length * 3) {
                rebuild(keys.length, now, limits); // drop buckets that refilled completely
                if ((size + 1) * 4 > keys.length * 3) {
                    if (keys.length >= limits.maxSlotsPerStripe) return -1;
                    rebuild(keys.length * 2, now, limits);
                }
            }
            int mask = keys.length - 1;
            int i = (int) (h >>> 6) & mask;
            while (used[i]) i = (i + 1) & mask;
            used[i] = true;
            keys[i] = key;
            tokens[i] = limits.burst;
            last[i] = now;
            size++;
            return i;
        }

        private void rebuild(int capacity, long now, UserRateLimits limits) {
            long[] oldKeys = keys;
            boolean[] oldUsed = used;
            double[] oldTokens = tokens;
            long[] oldLast = last;
            allocate(capacity);
            int mask = capacity - 1;
            for (int j = 0; j < oldKeys.length; j++) {
                if (!oldUsed[j]) continue;
                if (oldTokens[j] + (now - oldLast[j]) * limits.ratePerNano >= limits.burst) continue;
                int i = (int) (mix(oldKeys[j]) >>> 6) & mask;
                while (used[i]) i = (i + 1) & mask;
                used[i] = true;
                keys[i] = oldKeys[j];
                tokens[i] = oldTokens[j];
                last[i] = oldLast[j];
                size++;
            }
        }
    }
}
