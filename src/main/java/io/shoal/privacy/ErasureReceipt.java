package io.shoal.privacy;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The answer to an erasure, as recorded (without the id) in PostgreSQL: the receipt id, the keyed hash of the id,
 * when, and what was removed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErasureReceipt(long receiptId, String subject, Instant completedAt, Removed removed) {

    /**
     * What was removed. {@code segmentContributions}: the segment sums the shopper's latest contribution was
     * subtracted from (0 or 1 per erased id; earlier, decayed contributions and aggregate item counts remain).
     * {@code seedExamples}: examples (the id and its profile vector) taken out of seeded segments.
     */
    public record Removed(long linkedIds, long redisKeys, long dedupMarks, long sampleEntries,
            long segmentContributions, long historyRows, long deadLetters, long identityLinks, long seedExamples) {

        Removed plus(Removed o) {
            return new Removed(linkedIds + o.linkedIds, redisKeys + o.redisKeys, dedupMarks + o.dedupMarks,
                    sampleEntries + o.sampleEntries, segmentContributions + o.segmentContributions,
                    historyRows + o.historyRows, deadLetters + o.deadLetters, identityLinks + o.identityLinks,
                    seedExamples + o.seedExamples);
        }
    }
}
