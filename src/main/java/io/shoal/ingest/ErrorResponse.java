package io.shoal.ingest;

/**
 * The body of an answer that accepted nothing for a reason other than invalid events (overload, size).
 *
 * @param error             what happened
 * @param retryAfterSeconds when to try again, if trying again can help
 */
public record ErrorResponse(String error, Integer retryAfterSeconds) {
}
