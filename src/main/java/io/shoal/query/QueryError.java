package io.shoal.query;

/**
 * The body of a 400 or 404 answer of the query API.
 *
 * @param parameter the request parameter at fault (null when the request was fine but names nothing known)
 * @param message   what was wrong and what was given
 */
public record QueryError(String parameter, String message) {
}
