package io.shoal.security;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.shoal.config.AuthConfig;
import io.smallrye.mutiny.Uni;

/** Turns a configured API key into an identity with the key's name and roles; an unknown key fails (401). */
@ApplicationScoped
public class ApiKeyIdentityProvider implements IdentityProvider<ApiKeyAuthenticationRequest> {

    /** Identity attribute: the credential's name ("key:<name>" or "jwt:<subject>"), for rate limits and logs. */
    public static final String CREDENTIAL = "shoal.credential";

    private final ApiKeys keys;

    public ApiKeyIdentityProvider(AuthConfig config) {
        this.keys = ApiKeys.parse(config.apiKeys().orElse(java.util.List.of()));
    }

    @Override
    public Class<ApiKeyAuthenticationRequest> getRequestType() {
        return ApiKeyAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(ApiKeyAuthenticationRequest request,
            AuthenticationRequestContext context) {
        return keys.lookup(request.key())
                .<Uni<SecurityIdentity>>map(grant -> Uni.createFrom().item(QuarkusSecurityIdentity.builder()
                        .setPrincipal(new QuarkusPrincipal(grant.name()))
                        .addRoles(grant.roles())
                        .addAttribute(CREDENTIAL, "key:" + grant.name())
                        .build()))
                .orElseGet(() -> Uni.createFrom().failure(new AuthenticationFailedException(
                        "the API key is not a configured one (shoal.auth.api-keys)")));
    }

    ApiKeys keys() {
        return keys;
    }
}
