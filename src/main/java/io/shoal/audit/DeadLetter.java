package io.shoal.audit;

import java.time.Instant;

/**
 * An event the pipeline could not apply, as stored in {@code dead_letter}.
 *
 * @param id         row id (what replay takes)
 * @param userId     the shopper
 * @param eventId    the event's id
 * @param event      the event as JSON, exactly as it was accepted
 * @param error      why it failed (the last attempt's error)
 * @param failedAt   when it was dead-lettered (last time)
 * @param attempts   how often it was dead-lettered
 * @param replayedAt when it was last handed back to ingestion, or null
 */
public record DeadLetter(long id, String userId, String eventId, String event, String error, Instant failedAt,
        int attempts, Instant replayedAt) {
}
