package io.shoal.security;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Body of a 401, 403 or 429: what was wrong, and for a 429 when to retry. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuthError(String error, Integer retryAfterSeconds) {

    public AuthError(String error) {
        this(error, null);
    }
}
