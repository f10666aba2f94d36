package dev.parley.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class KeyedRateLimitsTest {
    private final AtomicLong now = new AtomicLong();

    @Test
    void eachKeyHasItsOwnBurstAndRefills() {
        var limits = new KeyedRateLimits(1, 2, 100, now::get);
        assertThat(limits.tryTake("a")).isTrue();
        assertThat(limits.tryTake("a")).isTrue();
        assertThat(limits.tryTake("a")).isFalse();
        assertThat(limits.tryTake("b")).isTrue();
        assertThat(limits.secondsUntilNext("a")).isEqualTo(1);
        now.addAndGet(1_000_000_000L);
        assertThat(limits.tryTake("a")).isTrue();
        assertThat(limits.tryTake("a")).isFalse();
    }

    @Test
    void memoryIsBoundedAndFullBucketsAreForgotten() {
        var limits = new KeyedRateLimits(1, 1, 3, now::get);
        for (String k : new String[] {"a", "b", "c"}) assertThat(limits.tryTake(k)).isTrue();
        // The table is full of empty buckets: a new key is refused rather than evicting a known key's state.
        assertThat(limits.tryTake("d")).isFalse();
        assertThat(limits.size()).isEqualTo(3);
        now.addAndGet(1_000_000_000L);
        assertThat(limits.tryTake("d")).isTrue(); // the refilled buckets were swept to make room
        assertThat(limits.size()).isEqualTo(1);
    }
}
