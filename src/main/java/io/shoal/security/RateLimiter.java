package io.shoal.security;

import java.time.Duration;
import java.util.function.LongSupplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Per-credential token buckets: each credential may make {@code rate} requests per second on average and
 * {@code burst} at once. The rule: a bucket holds up to {@code burst} tokens, refills continuously at {@code rate}
 * per second, and each request takes one token or is refused with the seconds until one is back. Buckets are per
 * process (a deployment of n ingest pods allows n times the rate) and forgotten after 10 idle minutes.
 */
public final class RateLimiter {

    /** The outcome of one request: allowed or not, tokens left, seconds until the bucket is full / a token is back. */
    public record Decision(boolean allowed, int limit, int remaining, long resetSeconds, long retryAfterSeconds) {
    }

    private final int rate;
    private final int burst;
    private final LongSupplier nanos;
    private final Cache<String, Bucket> buckets = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterAccess(Duration.ofMinutes(10)).build();

    public RateLimiter(int requestsPerSecond, int burst, LongSupplier nanoClock) {
        if (requestsPerSecond < 0) {
            throw new IllegalArgumentException("shoal.auth.rate-limit.requests-per-second must be >= 0 but was "
                    + requestsPerSecond);
        }
        if (requestsPerSecond > 0 && burst < 1) {
            throw new IllegalArgumentException("shoal.auth.rate-limit.burst must be >= 1 but was " + burst);
        }
        this.rate = requestsPerSecond;
        this.burst = burst;
        this.nanos = nanoClock;
    }

    public boolean enabled() {
        return rate > 0;
    }

    /** Takes one token of the credential's bucket. */
    public Decision take(String credential) {
        Bucket bucket = buckets.get(credential, k -> new Bucket(burst, nanos.getAsLong()));
        synchronized (bucket) {
            long now = nanos.getAsLong();
            bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.at) * rate / 1e9);
            bucket.at = now;
            boolean allowed = bucket.tokens >= 1;
            if (allowed) {
                bucket.tokens -= 1;
            }
            long reset = (long) Math.ceil((burst - bucket.tokens) / rate);
            long retry = allowed ? 0 : Math.max(1, (long) Math.ceil((1 - bucket.tokens) / rate));
            return new Decision(allowed, burst, (int) Math.floor(bucket.tokens), reset, retry);
        }
    }

    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }
}
