package io.shoal.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;

/**
 * Applies the per-credential rate limit ({@link RateLimits}) to every REST request once its credential is known,
 * before the body is read: over the limit, 429 with {@code Retry-After}; every answer carries
 * {@code RateLimit-Limit}, {@code RateLimit-Remaining} and {@code RateLimit-Reset} (IETF draft "RateLimit header
 * fields for HTTP"). Off while authentication is off, and with {@code shoal.auth.rate-limit.requests-per-second=0}.
 */
@ApplicationScoped
public class RateLimitFilter {

    private static final String DECISION = RateLimitFilter.class.getName();

    private final CurrentIdentityAssociation identity;
    private final RateLimits limits;

    public RateLimitFilter(CurrentIdentityAssociation identity, RateLimits limits) {
        this.identity = identity;
        this.limits = limits;
    }

    @ServerRequestFilter
    public Uni<Response> limit(ContainerRequestContext request) {
        return identity.getDeferredIdentity().onItemOrFailure().transform((id, failure) -> {
            if (failure != null) {
                return null; // the security check answers 401
            }
            RateLimiter.Decision decision = limits.take(id);
            if (decision == null) {
                return null;
            }
            request.setProperty(DECISION, decision);
            if (decision.allowed()) {
                return null;
            }
            return Response.status(429).type(MediaType.APPLICATION_JSON)
                    .header("Retry-After", decision.retryAfterSeconds())
                    .header("RateLimit-Limit", decision.limit())
                    .header("RateLimit-Remaining", decision.remaining())
                    .header("RateLimit-Reset", decision.resetSeconds())
                    .entity(new AuthError(RateLimits.refusal(id, decision), (int) decision.retryAfterSeconds()))
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
}
