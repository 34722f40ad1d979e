package io.shoal.ingest;

/**
 * Why one event of a request was not accepted.
 *
 * @param index   position of the event in the request (0 for a single event; -1 for the request as a whole)
 * @param field   the JSON field at fault ({@code body} when the request as a whole is wrong)
 * @param message what was wrong and what was given
 */
public record Rejection(int index, String field, String message) {
}
