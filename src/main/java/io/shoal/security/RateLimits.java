package io.shoal.security;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.security.identity.SecurityIdentity;
import io.shoal.config.AuthConfig;

/**
 * The per-credential buckets of this process ({@link RateLimiter}), shared by REST ({@link RateLimitFilter}) and
 * gRPC ({@link GrpcAuthStatus}): one credential has one budget whichever protocol it uses.
 */
@ApplicationScoped
public class RateLimits {

    private final RateLimiter limiter;
    private final boolean active;
    private final Counter limited;

    public RateLimits(AuthConfig config, MeterRegistry registry) {
        this.limiter = new RateLimiter(config.rateLimit().requestsPerSecond(), config.rateLimit().burst(),
                System::nanoTime);
        this.active = config.enabled() && limiter.enabled();
        this.limited = Counter.builder("shoal.auth.rate.limited")
                .description("Requests answered 429 / RESOURCE_EXHAUSTED because their credential was over its rate "
                        + "limit").register(registry);
    }

    /** The decision for one request of this identity, or null when nothing is limited (off, or anonymous). */
    public RateLimiter.Decision take(SecurityIdentity identity) {
        String credential = credential(identity);
        if (!active || credential == null) {
            return null;
        }
        RateLimiter.Decision d = limiter.take(credential);
        if (!d.allowed()) {
            limited.increment();
        }
        return d;
    }

    /** What a refused request is told. */
    public static String refusal(SecurityIdentity identity, RateLimiter.Decision d) {
        return "credential '" + credential(identity) + "' is over its rate limit (shoal.auth.rate-limit: "
                + d.limit() + " at once, then requests-per-second); retry after " + d.retryAfterSeconds() + " s";
    }

    static String credential(SecurityIdentity id) {
        if (id == null || id.isAnonymous()) {
            return null;
        }
        Object name = id.getAttribute(ApiKeyIdentityProvider.CREDENTIAL);
        return name == null ? id.getPrincipal().getName() : name.toString();
    }
}
