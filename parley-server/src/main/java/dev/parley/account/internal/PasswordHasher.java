package dev.parley.account.internal;

import dev.parley.platform.ErrorCode;
import dev.parley.platform.ParleyException;
import dev.parley.platform.ParleyProperties;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Argon2id (RFC 9106) in the PHC string format {@code $argon2id$v=19$m=..,t=..,p=..$salt$hash}, so that
 * raising the cost later still verifies old hashes. Defaults follow OWASP: m=19 MiB, t=2, p=1.
 *
 * <p>Hashes run on a pool of platform threads of their own, at most {@code maxConcurrent} at once. Virtual threads
 * are never preempted: Argon2 on the shared virtual-thread pool would hold its carrier threads for tens of
 * milliseconds per hash, and a burst of sign-ups would stall every other request behind it. The caller (a virtual
 * thread) waits for the result without holding a carrier. At most {@code maxQueued} callers wait for a free slot,
 * each for at most {@code maxWait}; past either, the request is refused with {@code rate_limited}.
 */
@Component
@EnableConfigurationProperties(PasswordHasher.Settings.class)
class PasswordHasher implements AutoCloseable {
    /** {@code maxConcurrent} 0 or less: one per core. */
    @ConfigurationProperties("parley.password-hashing")
    public record Settings(Integer maxConcurrent, Integer maxQueued, Duration maxWait) {
        public Settings {
            if (maxConcurrent == null || maxConcurrent <= 0) maxConcurrent = Runtime.getRuntime().availableProcessors();
            if (maxQueued == null || maxQueued < 0) maxQueued = 64;
            if (maxWait == null) maxWait = Duration.ofSeconds(2);
        }
    }

    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();
    private final SecureRandom random = new SecureRandom();
    private final int memoryKib;
    private final int iterations;
    private final int parallelism;
    private final ExecutorService pool;
    private final Semaphore slots;
    private final AtomicInteger admitted = new AtomicInteger();
    private final int maxAdmitted;
    private final long maxWaitNanos;

    PasswordHasher(ParleyProperties props, Settings settings) {
        this.memoryKib = props.security().argon2MemoryKib();
        this.iterations = props.security().argon2Iterations();
        this.parallelism = props.security().argon2Parallelism();
        this.pool = Executors.newFixedThreadPool(settings.maxConcurrent(),
                Thread.ofPlatform().name("parley-hash-", 0).daemon().factory());
        this.slots = new Semaphore(settings.maxConcurrent(), true);
        this.maxAdmitted = settings.maxConcurrent() + settings.maxQueued();
        this.maxWaitNanos = settings.maxWait().toNanos();
    }

    String hash(String password) {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        byte[] out = bounded(() -> derive(password, salt, memoryKib, iterations, parallelism, 32));
        return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism
                + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
    }

    /** Hashes being computed or waiting for a slot now. */
    int inFlight() { return admitted.get(); }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    /** Runs one hash on the pool, waiting for a slot at most {@code maxWait}; refuses past the queue bound. */
    private byte[] bounded(Callable<byte[]> work) {
        if (admitted.incrementAndGet() > maxAdmitted) {
            admitted.decrementAndGet();
            throw busy();
        }
        try {
            if (!slots.tryAcquire(maxWaitNanos, TimeUnit.NANOSECONDS)) throw busy();
            try {
                return pool.submit(work).get();
            } finally {
                slots.release();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while hashing", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        } finally {
            admitted.decrementAndGet();
        }
    }

    private static ParleyException busy() {
        return ParleyException.retryAfter(ErrorCode.RATE_LIMITED, 1);
    }

    boolean verify(String password, String encoded) {
        String[] parts = encoded.split("\\$");
        // ["", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash]
        if (parts.length != 6 || !"argon2id".equals(parts[1])) return false;
        int m = 0, t = 0, p = 0;
        for (String kv : parts[3].split(",")) {
            String[] x = kv.split("=");
            switch (x[0]) {
                case "m" -> m = Integer.parseInt(x[1]);
                case "t" -> t = Integer.parseInt(x[1]);
                case "p" -> p = Integer.parseInt(x[1]);
                default -> { return false; }
            }
        }
        byte[] salt = B64D.decode(parts[4]);
        byte[] expected = B64D.decode(parts[5]);
        int fm = m, ft = t, fp = p;
        byte[] actual = bounded(() -> derive(password, salt, fm, ft, fp, expected.length));
        return MessageDigest.isEqual(expected, actual);
    }

    /** A hash of a random password, verified against when the username does not exist, so timing does not tell. */
    String decoy() {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        byte[] out = derive(Long.toString(random.nextLong()), salt, memoryKib, iterations, parallelism, 32);
        return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism
                + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
    }

    private static byte[] derive(String password, byte[] salt, int m, int t, int p, int len) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(m).withIterations(t).withParallelism(p).withSalt(salt).build();
        Argon2BytesGenerator gen = new Argon2BytesGenerator();
        gen.init(params);
        byte[] out = new byte[len];
        gen.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }
}
