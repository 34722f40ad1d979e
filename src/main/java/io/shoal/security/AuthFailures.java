package io.shoal.security;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.security.AuthenticationException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Answers a request whose credential failed (unknown API key, bad or expired JWT), which proactive authentication
 * refuses before any endpoint runs: REST and SSE get 401 with {@code WWW-Authenticate} and a JSON body with the
 * reason; gRPC gets status {@code UNAUTHENTICATED} with the reason (a trailers-only answer).
 */
@ApplicationScoped
public class AuthFailures {

    private final ObjectMapper json;

    public AuthFailures(ObjectMapper json) {
        this.json = json;
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).failureHandler(this::handle);
    }

    private void handle(RoutingContext context) {
        Throwable failure = context.failure();
        if (!(failure instanceof AuthenticationException) || context.response().headWritten()) {
            context.next();
            return;
        }
        String reason = failure.getMessage() == null || failure.getMessage().isBlank()
                ? "the credential was not accepted" : failure.getMessage();
        String contentType = context.request().getHeader("Content-Type");
        if (contentType != null && contentType.startsWith("application/grpc")) {
            context.response().setStatusCode(200).putHeader("content-type", "application/grpc")
                    .putHeader("grpc-status", "16")
                    .putHeader("grpc-message", URLEncoder.encode(reason, StandardCharsets.UTF_8).replace("+", "%20"))
                    .end();
            return;
        }
        String body;
        try {
            body = json.writeValueAsString(new AuthError(reason));
        } catch (JsonProcessingException e) {
            body = "{\"error\":\"the credential was not accepted\"}";
        }
        context.response().setStatusCode(401).putHeader("Content-Type", "application/json")
                .putHeader("WWW-Authenticate", "Bearer realm=\"shoal\"").end(body);
    }
}
