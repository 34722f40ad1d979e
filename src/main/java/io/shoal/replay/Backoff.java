package io.shoal.replay;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.DoubleSupplier;

/**
 * How long to wait before resending a batch the service could not take (429, 503, a dropped connection).
 * <ul>
 * <li>With a {@code Retry-After: s} header the service knows best: wait {@code s} seconds plus a jitter of up to
 * a tenth of {@code max(s, initial)}, so that the concurrent senders do not come back in the same instant.</li>
 * <li>Without it, exponential with "equal jitter": {@code e = min(max, initial * 2^(attempt-1))}, wait
 * {@code e/2 + U(0, e/2)}. Attempt 1 waits 50..100 ms with the defaults, attempt 8 and later 5..10 s.</li>
 * </ul>
 */
public final class Backoff {

    private final long initialNanos;
    private final long maxNanos;
    private final DoubleSupplier random;

    /** @param random uniform in [0, 1), e.g. {@code ThreadLocalRandom.current()::nextDouble} */
    public Backoff(Duration initial, Duration max, DoubleSupplier random) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max but was initial " + initial
                    + ", max " + max);
        }
        this.initialNanos = initial.toNanos();
        this.maxNanos = max.toNanos();
        this.random = random;
    }

    /** The wait before attempt {@code attempt + 1}, after {@code attempt} (>= 1) failed ones. */
    public long delayNanos(int attempt, OptionalLong retryAfterSeconds) {
        if (retryAfterSeconds.isPresent()) {
            long base = Duration.ofSeconds(retryAfterSeconds.getAsLong()).toNanos();
            return base + (long) (random.getAsDouble() * Math.max(base, initialNanos) / 10);
        }
        long exponential = (long) Math.min(maxNanos, initialNanos * Math.pow(2, Math.max(attempt - 1, 0)));
        return exponential / 2 + (long) (random.getAsDouble() * (exponential / 2));
    }

    /**
     * The delay-seconds form of a {@code Retry-After} header; empty when absent or in the HTTP-date form (then the
     * exponential schedule applies).
     */
    public static OptionalLong parseRetryAfter(String header) {
        if (header == null) {
            return OptionalLong.empty();
        }
        try {
            long seconds = Long.parseLong(header.trim());
            return seconds >= 0 ? OptionalLong.of(seconds) : OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
