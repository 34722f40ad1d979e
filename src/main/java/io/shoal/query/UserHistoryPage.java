package io.shoal.query;

import java.time.Instant;
import java.util.List;

/**
 * A page of a user's segment changes, newest first.
 *
 * @param userId  the user
 * @param changes the changes on this page
 * @param page    zero-based page number
 * @param size    page size asked for
 * @param hasMore whether an older page exists
 * @param asOf    the instant asked about, or null
 * @param inForce the segment in force at {@code asOf}; null when not asked or the user had none then
 */
public record UserHistoryPage(String userId, List<HistoryItem> changes, int page, int size, boolean hasMore,
        Instant asOf, SegmentInForce inForce) {
}
