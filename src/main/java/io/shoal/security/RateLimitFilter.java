package io.shoal.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.shoal.config.AuthConfig;
import io.smallrye.mutiny.Uni;

/**
 * Applies the per-credential {@link RateLimiter} to every REST request once its credential is known, before the
 * body is read: over the limit, 429 with {@code Retry-After}; every answer carries {@code RateLimit-Limit},
 * {@code RateLimit-Remaining} and {@code RateLimit-Reset} (IETF draft "RateLimit header fields for HTTP"). Off
 * while authentication is off, and with {@code shoal.auth.rate-limit.requests-per-second=0}.
 */
@ApplicationScoped
public class RateLimitFilter {

    private static final String DECISION = RateLimitFilter.class.getName();

    private final CurrentIdentityAssociation identity;
    private final RateLimiter limiter;
    private final boolean active;
    private final Counter limited;

    public RateLimitFilter(CurrentIdentityAssociation identity, AuthConfig config, MeterRegistry registry) {
        this.identity = identity;
        this.limiter = new RateLimiter(config.rateLimit().requestsPerSecond(), config.rateLimit().burst(),
                System::nanoTime);
        this.active = config.enabled() && limiter.enabled();
        this.limited = Counter.builder("shoal.auth.rate.limited")
                .description("Requests answered 429 because their credential was over its rate limit")
                .register(registry);
    }

    @ServerRequestFilter
    public Uni<Response> limit(ContainerRequestContext request) {
        if (!active) {
            return Uni.createFrom().nullItem();
        }
        return identity.getDeferredIdentity().onItemOrFailure().transform((id, failure) -> {
            String credential = credential(id);
            if (failure != null || credential == null) {
                return null; // the security check answers 401
            }
            RateLimiter.Decision decision = limiter.take(credential);
            request.setProperty(DECISION, decision);
            if (decision.allowed()) {
                return null;
            }
            limited.increment();
            return Response.status(429).type(MediaType.APPLICATION_JSON)
                    .header("Retry-After", decision.retryAfterSeconds())
                    .header("RateLimit-Limit", decision.limit())
                    .header("RateLimit-Remaining", decision.remaining())
                    .header("RateLimit-Reset", decision.resetSeconds())
                    .entity(new AuthError("credential '" + credential + "' is over its rate limit ("
                            + "shoal.auth.rate-limit: " + decision.limit() + " at once, then "
                            + "requests-per-second); retry after " + decision.retryAfterSeconds() + " s",
                            (int) decision.retryAfterSeconds()))
                    .build();
        });
    }

    @ServerResponseFilter
    public void headers(ContainerRequestContext request, ContainerResponseContext response) {
        if (request.getProperty(DECISION) instanceof RateLimiter.Decision d && d.allowed()) {
            response.getHeaders().putSingle("RateLimit-Limit", d.limit());
            response.getHeaders().putSingle("RateLimit-Remaining", d.remaining());
            response.getHeaders().putSingle("RateLimit-Reset", d.resetSeconds());
        }
    }

    private static String credential(SecurityIdentity id) {
        if (id == null || id.isAnonymous()) {
            return null;
        }
        Object name = id.getAttribute(ApiKeyIdentityProvider.CREDENTIAL);
        return name == null ? id.getPrincipal().getName() : name.toString();
    }
}
