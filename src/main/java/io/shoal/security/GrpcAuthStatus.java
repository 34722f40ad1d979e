package io.shoal.security;

import jakarta.enterprise.context.ApplicationScoped;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import io.quarkus.security.AuthenticationException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * The gRPC answers of the security checks ({@code @RolesAllowed} on the services; the credential is read by
 * {@link ShoalAuthMechanism}, gRPC sharing the HTTP server): no credential or a failed one is
 * {@code UNAUTHENTICATED}, the wrong role {@code PERMISSION_DENIED}, each with the reason, instead of gRPC's
 * {@code UNKNOWN} for an exception thrown by a service method. And the credential's rate limit
 * ({@link RateLimits}, shared with REST): over it, {@code RESOURCE_EXHAUSTED} with a {@code retry-after} trailer.
 */
@ApplicationScoped
@GlobalInterceptor
public class GrpcAuthStatus implements ServerInterceptor {

    private static final Metadata.Key<String> RETRY_AFTER = Metadata.Key.of("retry-after",
            Metadata.ASCII_STRING_MARSHALLER);

    private final CurrentIdentityAssociation identity;
    private final RateLimits limits;

    public GrpcAuthStatus(CurrentIdentityAssociation identity, RateLimits limits) {
        this.identity = identity;
        this.limits = limits;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        ServerCall.Listener<Q> listener = next.startCall(call, headers);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onMessage(Q message) {
                guard(call, () -> super.onMessage(message));
            }

            @Override
            public void onHalfClose() {
                // The call's method runs now: the credential's rate limit first (the identity is known, proactive
                // authentication read it before the call was routed).
                SecurityIdentity id = known();
                RateLimiter.Decision d = id == null ? null : limits.take(id);
                if (d != null && !d.allowed()) {
                    Metadata trailers = new Metadata();
                    trailers.put(RETRY_AFTER, Long.toString(d.retryAfterSeconds()));
                    call.close(Status.RESOURCE_EXHAUSTED.withDescription(RateLimits.refusal(id, d)), trailers);
                    return;
                }
                guard(call, super::onHalfClose);
            }
        };
    }

    private SecurityIdentity known() {
        try {
            return identity.getIdentity();
        } catch (RuntimeException e) {
            return null; // not known here: the method's own security check decides
        }
    }

    private static void guard(ServerCall<?, ?> call, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            Status status = status(e);
            if (status == null) {
                throw e;
            }
            call.close(status, new Metadata());
        }
    }

    /** The status of a security failure, or null for any other exception. */
    static Status status(Throwable e) {
        if (e instanceof UnauthorizedException) {
            return Status.UNAUTHENTICATED.withDescription("this method needs a credential: send metadata "
                    + "'authorization: Bearer <API key or JWT>' or 'x-api-key: <API key>'");
        }
        if (e instanceof AuthenticationException) {
            return Status.UNAUTHENTICATED.withDescription(e.getMessage() == null ? "the credential was not accepted"
                    : e.getMessage());
        }
        if (e instanceof ForbiddenException) {
            return Status.PERMISSION_DENIED.withDescription("this credential lacks the role this method needs: "
                    + Roles.SEGMENTS_READ);
        }
        return null;
    }
}
