package io.shoal.config;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Who may call Shoal (README "Security"). Every REST, SSE and gRPC endpoint requires a credential with a role: an
 * API key ({@code Authorization: Bearer <key>}, {@code X-API-Key: <key>}, or the HTTP Basic username as Segment's
 * tracking clients send it) or a JWT ({@code Authorization: Bearer <jwt>}, verified by SmallRye JWT against
 * {@code mp.jwt.verify.publickey.location}).
 */
@ConfigMapping(prefix = "shoal.auth")
public interface AuthConfig {

    /**
     * {@code false} turns authentication off: every request acts with every role. For development only; the start
     * logs a warning that says so on every boot.
     */
    @WithDefault("true")
    boolean enabled();

    /**
     * The API keys, kept only as hashes: entries {@code <name>:<sha-256 of the key, hex>:<role>[+<role>...]},
     * comma separated ({@code SHOAL_AUTH_API_KEYS}, from the environment or a Kubernetes Secret). The name
     * identifies the credential in logs, metrics and rate limits. {@code ./shoal hash-key} prints an entry.
     */
    Optional<List<String>> apiKeys();

    /** JWTs: accepted when on; verification keys and issuer are SmallRye JWT's {@code mp.jwt.verify.*}. */
    Jwt jwt();

    /** Per-credential request rate (token bucket per credential and process). */
    RateLimit rateLimit();

    interface Jwt {
        /** Whether bearer tokens that look like JWTs are verified and accepted. */
        @WithDefault("false")
        boolean enabled();
    }

    interface RateLimit {
        /**
         * Requests per second a credential may make on average (per process); 0: unlimited. A request may carry up
         * to 1,000 events, so the default admits millions of events per second from one well-behaved client.
         */
        @WithDefault("2000")
        int requestsPerSecond();

        /** Requests a credential may make at once after a quiet spell (the bucket size). */
        @WithDefault("4000")
        int burst();
    }
}
