package io.shoal.replay;

import java.net.http.HttpRequest;
import java.util.Optional;

/**
 * The API key the command-line tools send ({@code SHOAL_API_KEY}, as {@code X-API-Key}); {@code ./shoal demo} and
 * {@code ./shoal serve} provision one and export it for the tools they run.
 */
public final class ApiKey {

    public static final String ENV = "SHOAL_API_KEY";

    private ApiKey() {
    }

    public static Optional<String> fromEnvironment() {
        return Optional.ofNullable(System.getenv(ENV)).map(String::strip).filter(k -> !k.isEmpty());
    }

    /** The builder, with the key when one is set. */
    public static HttpRequest.Builder authorize(HttpRequest.Builder request) {
        fromEnvironment().ifPresent(k -> request.header("X-API-Key", k));
        return request;
    }

    /** What to tell a user whose request was answered 401 or 403. */
    public static String hint(int status, String body) {
        return "the service refused the credential (HTTP " + status + ": " + body + "); set " + ENV
                + " to an API key with the role this needs (README \"Security\")";
    }
}
