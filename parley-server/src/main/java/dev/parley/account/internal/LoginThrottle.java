package dev.parley.account.internal;

import dev.parley.platform.ErrorCode;
import dev.parley.platform.ParleyException;
import dev.parley.platform.ParleyProperties;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Limits wrong passwords: at most N failures per account and M per client address within a sliding window;
 * past either, logins for that account (or from that address) answer {@code too_many_attempts} until the
 * window slides. Kept in this node's memory: in a cluster each node counts its own (noted in the ADR).
 */
@Component
class LoginThrottle {
    private final ConcurrentHashMap<String, Deque<Long>> failures = new ConcurrentHashMap<>();
    private final Clock clock;
    private final int perAccount;
    private final int perAddress;
    private final long windowMillis;

    LoginThrottle(Clock clock, ParleyProperties props) {
        this.clock = clock;
        this.perAccount = props.security().maxFailedLoginsPerAccount();
        this.perAddress = props.security().maxFailedLoginsPerAddress();
        this.windowMillis = props.security().failedLoginWindow().toMillis();
    }

    void check(String username, String address) {
        if (count("u:" + username) >= perAccount || count("a:" + address) >= perAddress) {
            throw new ParleyException(ErrorCode.TOO_MANY_ATTEMPTS);
        }
    }

    void recordFailure(String username, String address) {
        long now = clock.millis();
        for (String key : new String[] {"u:" + username, "a:" + address}) {
            failures.compute(key, (k, q) -> {
                Deque<Long> d = q == null ? new ArrayDeque<>() : q;
                prune(d, now);
                d.addLast(now);
                return d;
            });
        }
    }

    void recordSuccess(String username) {
        failures.remove("u:" + username);
    }

    private int count(String key) {
        long now = clock.millis();
        Deque<Long> d = failures.computeIfPresent(key, (k, q) -> {
            prune(q, now);
            return q.isEmpty() ? null : q;
        });
        return d == null ? 0 : d.size();
    }

    private void prune(Deque<Long> d, long now) {
        while (!d.isEmpty() && d.peekFirst() <= now - windowMillis) d.pollFirst();
    }
}
