package io.shoal.security;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.smallrye.jwt.runtime.auth.JsonWebTokenCredential;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.shoal.config.AuthConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads the credential of every HTTP request: REST, SSE and gRPC (which shares the HTTP server), and hands it to
 * the identity provider that verifies it.
 *
 * <ul>
 * <li>{@code X-API-Key: <key>}, or {@code Authorization: Bearer <key>}: an API key ({@link ApiKeyIdentityProvider}).
 * </li>
 * <li>{@code Authorization: Bearer <jwt>} (a token of three dot-separated parts, which no API key is): a JWT,
 * verified by SmallRye JWT (signature, expiry, issuer) when {@code shoal.auth.jwt.enabled}; roles from its groups
 * claim ({@code smallrye.jwt.path.groups}).</li>
 * <li>{@code Authorization: Basic <base64 key:>}: the username is an API key (Segment's and RudderStack's clients
 * send their write key so).</li>
 * </ul>
 * No credential: anonymous, and every endpoint answers 401. A credential that fails: 401 with the reason. With
 * {@code shoal.auth.enabled=false} every request acts with every role (development only; warned at every start).
 */
@ApplicationScoped
public class ShoalAuthMechanism implements HttpAuthenticationMechanism {

    /** Identity of every request while authentication is off. */
    static final SecurityIdentity AUTH_OFF = QuarkusSecurityIdentity.builder()
            .setPrincipal(new QuarkusPrincipal("auth-disabled"))
            .addRoles(Set.copyOf(Roles.ALL))
            .addAttribute(ApiKeyIdentityProvider.CREDENTIAL, "auth-disabled")
            .build();

    private static final ChallengeData CHALLENGE = new ChallengeData(401, "WWW-Authenticate", "Bearer realm=\"shoal\"");

    private final AuthConfig config;

    public ShoalAuthMechanism(AuthConfig config) {
        this.config = config;
    }

    void warnAtStart(@Observes StartupEvent start, ApiKeyIdentityProvider keys) {
        if (!config.enabled()) {
            Log.warn("*** AUTHENTICATION IS OFF (shoal.auth.enabled=false): anyone who reaches this port may send "
                    + "events, read every shopper and erase them. For development only. ***");
        } else if (keys.keys().isEmpty() && !config.jwt().enabled()) {
            Log.warn("Authentication is on but no API key (shoal.auth.api-keys) and no JWT verification "
                    + "(shoal.auth.jwt.enabled) is configured: every request will be answered 401. See README "
                    + "\"Security\".");
        } else {
            Log.infof("Authentication on: %d API key(s), JWTs %s", keys.keys().size(),
                    config.jwt().enabled() ? "accepted" : "not accepted");
        }
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        if (!config.enabled()) {
            return Uni.createFrom().item(AUTH_OFF);
        }
        String apiKey = context.request().getHeader("X-API-Key");
        if (apiKey != null) {
            return apiKey.isBlank() ? fail("the X-API-Key header is empty") : verify(apiKey.strip(), context, identities);
        }
        String authorization = context.request().getHeader("Authorization");
        if (authorization == null) {
            return Uni.createFrom().nullItem();
        }
        String value = authorization.strip();
        int space = value.indexOf(' ');
        String scheme = space < 0 ? value : value.substring(0, space);
        String credential = space < 0 ? "" : value.substring(space + 1).strip();
        if (credential.isEmpty()) {
            return fail("the Authorization header has no credential after '" + scheme + "'");
        }
        if (scheme.equalsIgnoreCase("Bearer")) {
            if (looksLikeJwt(credential)) {
                if (!config.jwt().enabled()) {
                    return fail("JWTs are not accepted by this service (shoal.auth.jwt.enabled=false); send an API key");
                }
                AuthenticationRequest jwt = new TokenAuthenticationRequest(new JsonWebTokenCredential(credential));
                HttpSecurityUtils.setRoutingContextAttribute(jwt, context);
                return identities.authenticate(jwt).onFailure().transform(ShoalAuthMechanism::jwtFailure);
            }
            return verify(credential, context, identities);
        }
        if (scheme.equalsIgnoreCase("Basic")) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(credential), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return fail("the Basic credential is not base64");
            }
            int colon = decoded.indexOf(':');
            String user = colon < 0 ? decoded : decoded.substring(0, colon);
            return user.isBlank() ? fail("the Basic credential has no username (the API key or write key)")
                    : verify(user.strip(), context, identities);
        }
        return fail("unsupported Authorization scheme '" + scheme
                + "'; send 'Bearer <API key or JWT>', 'Basic <base64 of key:>' or an X-API-Key header");
    }

    private static Uni<SecurityIdentity> verify(String key, RoutingContext context, IdentityProviderManager identities) {
        AuthenticationRequest request = new ApiKeyAuthenticationRequest(key);
        HttpSecurityUtils.setRoutingContextAttribute(request, context);
        return identities.authenticate(request);
    }

    /** A compact JWS has three dot-separated parts; Shoal's API keys have no dot. */
    private static boolean looksLikeJwt(String token) {
        return token.chars().filter(c -> c == '.').count() == 2;
    }

    private static Throwable jwtFailure(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        if (reason.length() > 300) {
            reason = reason.substring(0, 300) + "...";
        }
        return new AuthenticationFailedException("the JWT was rejected: " + reason, failure);
    }

    private static Uni<SecurityIdentity> fail(String message) {
        return Uni.createFrom().failure(new AuthenticationFailedException(message));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(CHALLENGE);
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(ApiKeyAuthenticationRequest.class, TokenAuthenticationRequest.class);
    }

    @Override
    public int getPriority() {
        // before SmallRye JWT's own mechanism, which would read every bearer token as a JWT
        return DEFAULT_PRIORITY + 1000;
    }
}
