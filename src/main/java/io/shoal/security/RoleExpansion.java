package io.shoal.security;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * The role rule: {@code admin} holds every role; a JWT identity is named {@code jwt:<subject>} for rate limits and
 * logs (its roles are its groups claim, read by SmallRye JWT).
 */
@ApplicationScoped
public class RoleExpansion implements SecurityIdentityAugmentor {

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous()) {
            return Uni.createFrom().item(identity);
        }
        boolean admin = identity.hasRole(Roles.ADMIN);
        boolean named = identity.getAttribute(ApiKeyIdentityProvider.CREDENTIAL) != null;
        if (!admin && named) {
            return Uni.createFrom().item(identity);
        }
        QuarkusSecurityIdentity.Builder builder = QuarkusSecurityIdentity.builder(identity);
        if (admin) {
            builder.addRoles(java.util.Set.copyOf(Roles.ALL));
        }
        if (!named) {
            String subject = identity.getPrincipal() instanceof JsonWebToken jwt && jwt.getSubject() != null
                    ? jwt.getSubject() : identity.getPrincipal().getName();
            builder.addAttribute(ApiKeyIdentityProvider.CREDENTIAL, "jwt:" + subject);
        }
        return Uni.createFrom().item(builder.build());
    }
}
