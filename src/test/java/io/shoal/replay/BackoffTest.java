package io.shoal.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

class BackoffTest {

    private static Backoff withRandom(double u) {
        return new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), () -> u);
    }

    @Test
    void retryAfterIsHonouredWithUpToATenthOfJitter() {
        assertThat(withRandom(0).delayNanos(5, OptionalLong.of(2))).isEqualTo(2_000_000_000L);
        assertThat(withRandom(0.5).delayNanos(5, OptionalLong.of(2))).isEqualTo(2_100_000_000L);
        // Retry-After: 0 still spreads the senders over up to a tenth of the initial delay.
        assertThat(withRandom(0.5).delayNanos(1, OptionalLong.of(0))).isEqualTo(5_000_000L);
    }

    @Test
    void withoutRetryAfterTheDelayDoublesUpToTheCapWithEqualJitter() {
        assertThat(withRandom(0).delayNanos(1, OptionalLong.empty())).isEqualTo(50_000_000L);
        assertThat(withRandom(0.999_999_999).delayNanos(1, OptionalLong.empty())).isBetween(99_000_000L, 100_000_000L);
        assertThat(withRandom(0).delayNanos(4, OptionalLong.empty())).isEqualTo(400_000_000L);
        assertThat(withRandom(0).delayNanos(30, OptionalLong.empty())).isEqualTo(5_000_000_000L);
    }

    @Test
    void onlyTheSecondsFormOfRetryAfterIsRead() {
        assertThat(Backoff.parseRetryAfter("3")).hasValue(3);
        assertThat(Backoff.parseRetryAfter(" 0 ")).hasValue(0);
        assertThat(Backoff.parseRetryAfter("Wed, 21 Oct 2026 07:28:00 GMT")).isEmpty();
        assertThat(Backoff.parseRetryAfter(null)).isEmpty();
        assertThat(Backoff.parseRetryAfter("-1")).isEmpty();
    }
}
