package dev.parley.account.internal;

import dev.parley.platform.ErrorCode;
import dev.parley.platform.KeyedRateLimits;
import dev.parley.platform.ParleyException;
import dev.parley.platform.ParleyProperties;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Slows password guessing without handing anyone a way to lock others out.
 *
 * <ul>
 *   <li>Per (account, address) pair: the first {@code failuresBeforeDelay} wrong passwords are free; after that,
 *       each attempt from that pair must wait {@code firstDelay}, doubling with every further failure up to
 *       {@code maxDelay}. Attempts during the wait answer {@code too_many_attempts} with {@code retryAfter} and
 *       are not checked at all. The owner logging in from another address is not slowed, so a guesser cannot lock
 *       an account (a fixed per-account lockout after N failures would let anyone lock out anyone).</li>
 *   <li>Per address: at most {@code max-failed-logins-per-address} failures within {@code failed-login-window}
 *       (a token bucket), whatever the usernames.</li>
 * </ul>
 *
 * Memory is bounded: at most {@code maxTracked} pairs (least recently touched evicted first, entries forgotten a
 * window after their last failure) and at most {@code maxTracked} addresses. Kept in this node's memory: in a
 * cluster each node counts its own.
 */
@Component
@EnableConfigurationProperties(LoginThrottle.Settings.class)
public class LoginThrottle {
    @ConfigurationProperties("parley.login")
    public record Settings(Integer failuresBeforeDelay, Duration firstDelay, Duration maxDelay, Integer maxTracked) {
        public Settings {
            if (failuresBeforeDelay == null || failuresBeforeDelay < 0) failuresBeforeDelay = 3;
            if (firstDelay == null || firstDelay.isNegative() || firstDelay.isZero()) firstDelay = Duration.ofSeconds(1);
            if (maxDelay == null) maxDelay = Duration.ofMinutes(5);
            if (maxDelay.compareTo(firstDelay) < 0) maxDelay = firstDelay;
            if (maxTracked == null || maxTracked < 1) maxTracked = 100_000;
        }
    }

    private static final class Pair {
        int failures;
        long lastFailure;
        long notBefore;
    }

    private final Clock clock;
    private final Settings settings;
    private final long windowMillis;
    private final KeyedRateLimits perAddress;
    /** Access order: the eldest entry is the least recently touched. Guarded by itself. */
    private final LinkedHashMap<String, Pair> pairs = new LinkedHashMap<>(16, 0.75f, true);

    LoginThrottle(Clock clock, ParleyProperties props, Settings settings) {
        this.clock = clock;
        this.settings = settings;
        this.windowMillis = props.security().failedLoginWindow().toMillis();
        int perAddressMax = props.security().maxFailedLoginsPerAddress();
        this.perAddress = new KeyedRateLimits(perAddressMax / (windowMillis / 1000.0), perAddressMax, settings.maxTracked());
    }

    /** Refuses with {@code too_many_attempts} (and when to retry) while this pair or this address must wait. */
    void check(String username, String address) {
        long addressWait = perAddress.secondsUntilNext(address);
        if (addressWait > 0) throw ParleyException.retryAfter(ErrorCode.TOO_MANY_ATTEMPTS, addressWait);
        long now = clock.millis();
        long notBefore;
        synchronized (pairs) {
            Pair p = pairs.get(key(username, address));
            notBefore = p == null ? 0 : p.notBefore;
        }
        if (notBefore > now) throw ParleyException.retryAfter(ErrorCode.TOO_MANY_ATTEMPTS, (notBefore - now + 999) / 1000);
    }

    void recordFailure(String username, String address) {
        perAddress.tryTake(address); // when the table is full of live buckets this failure goes uncounted; the pair still counts it
        long now = clock.millis();
        synchronized (pairs) {
            String key = key(username, address);
            Pair p = pairs.get(key);
            purgeEldest(now);
            if (p == null || expired(p, now)) {
                if (p == null && pairs.size() >= settings.maxTracked()) pairs.remove(pairs.keySet().iterator().next());
                p = new Pair();
                pairs.put(key, p);
            }
            p.failures++;
            p.lastFailure = now;
            int over = p.failures - settings.failuresBeforeDelay();
            if (over >= 0) {
                long first = settings.firstDelay().toMillis();
                long delay = over >= 40 ? Long.MAX_VALUE : first << over;
                p.notBefore = now + Math.min(delay < 0 ? Long.MAX_VALUE : delay, settings.maxDelay().toMillis());
            }
        }
    }

    /** The right password from this pair: its count starts over. Other pairs (other addresses) keep theirs. */
    void recordSuccess(String username, String address) {
        synchronized (pairs) {
            pairs.remove(key(username, address));
        }
    }

    /** Entries held now (pairs and addresses), for tests and monitoring: it never exceeds twice {@code maxTracked}. */
    public int tracked() {
        synchronized (pairs) {
            return pairs.size() + perAddress.size();
        }
    }

    /** Forgets expired entries among the least recently touched few, so that old failures do not linger. */
    private void purgeEldest(long now) {
        Iterator<Map.Entry<String, Pair>> it = pairs.entrySet().iterator();
        for (int i = 0; i < 8 && it.hasNext(); i++) {
            if (expired(it.next().getValue(), now)) it.remove();
        }
    }

    private boolean expired(Pair p, long now) {
        return now >= p.notBefore && now - p.lastFailure >= windowMillis;
    }

    private static String key(String username, String address) {
        return username + '\n' + address;
    }
}
