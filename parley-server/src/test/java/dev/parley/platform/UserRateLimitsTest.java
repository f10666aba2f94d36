package dev.parley.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class UserRateLimitsTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void aUserGetsTheBurstThenTheRateAndSaysHowLongToWait() {
        UserRateLimits l = new UserRateLimits(2, 3, 100, now::get);
        for (int i = 0; i < 3; i++) assertThat(l.tryTake(7)).isZero();
        long wait = l.tryTake(7);
        assertThat(wait).isEqualTo(500_000_000L); // half a second at 2 a second
        assertThat(UserRateLimits.retryAfterSeconds(wait)).isEqualTo(1);
        assertThat(l.tryTake(8)).as("another user's bucket").isZero();
        now.addAndGet(500_000_000L);
        assertThat(l.tryTake(7)).isZero();
        assertThat(l.tryTake(7)).isPositive();
        now.addAndGet(10_000_000_000L);
        for (int i = 0; i < 3; i++) assertThat(l.tryTake(7)).as("refilled to the burst, no more").isZero();
        assertThat(l.tryTake(7)).isPositive();
    }

    @Test
    void memoryIsBoundedAndRefilledBucketsMakeRoom() {
        UserRateLimits l = new UserRateLimits(1, 2, 1000, now::get);
        // Many users still refilling: the table stops growing and newcomers wait, known users keep their state.
        int refused = 0;
        for (long u = 1; u <= 100_000; u++) if (l.tryTake(u) != 0) refused++;
        assertThat(l.size()).isLessThanOrEqualTo(64 * 32);
        assertThat(refused).isPositive();
        assertThat(l.tryTake(1)).as("user 1 kept its bucket: one token left").isZero();
        assertThat(l.tryTake(1)).as("and is not reset").isPositive();
        // Once they have refilled, their buckets are dropped for new users.
        now.addAndGet(5_000_000_000L);
        for (long u = 200_001; u <= 200_500; u++) assertThat(l.tryTake(u)).isZero();
        assertThat(l.size()).isLessThanOrEqualTo(64 * 32);
    }
}
