package io.shoal.security;

import java.util.Arrays;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * The REST answers of the endpoint security checks: 401 for no credential says what to send, 403 names the credential
 * and the role needed. A credential that fails is answered before any endpoint runs, by {@link AuthFailures}.
 */
public class AuthErrors {

    private final SecurityIdentity identity;

    public AuthErrors(SecurityIdentity identity) {
        this.identity = identity;
    }

    static final String HOW = "send 'Authorization: Bearer <API key or JWT>' or 'X-API-Key: <API key>' (README \"Security\")";

    @ServerExceptionMapper(UnauthorizedException.class)
    public Response missing(UnauthorizedException e) {
        return unauthorized("this endpoint needs a credential: " + HOW);
    }

    @ServerExceptionMapper(ForbiddenException.class)
    public Response forbidden(ForbiddenException e, SimpleResourceInfo resource) {
        String who = identity.isAnonymous() ? "this credential"
                : "credential '" + identity.getPrincipal().getName() + "'";
        String needs = requiredRoles(resource);
        return Response.status(Response.Status.FORBIDDEN).type(MediaType.APPLICATION_JSON)
                .entity(new AuthError(who + " lacks the role this endpoint needs" + needs)).build();
    }

    private static Response unauthorized(String message) {
        return Response.status(Response.Status.UNAUTHORIZED).type(MediaType.APPLICATION_JSON)
                .header("WWW-Authenticate", "Bearer realm=\"shoal\"").entity(new AuthError(message)).build();
    }

    private static String requiredRoles(SimpleResourceInfo resource) {
        if (resource == null || resource.getResourceClass() == null) {
            return "";
        }
        RolesAllowed roles = null;
        try {
            roles = resource.getResourceClass().getMethod(resource.getMethodName(), resource.parameterTypes())
                    .getAnnotation(RolesAllowed.class);
        } catch (NoSuchMethodException ignored) {
            // fall back to the class's roles
        }
        if (roles == null) {
            roles = resource.getResourceClass().getAnnotation(RolesAllowed.class);
        }
        return roles == null ? "" : ": " + String.join(" or ", Arrays.asList(roles.value()));
    }
}
