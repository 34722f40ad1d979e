package io.shoal.event;

/**
 * Where an event sits in its log: a partition of the Kafka topic (roles ingest and worker), or the embedded event
 * log, a Redis Stream (role all, {@link #STREAM_PARTITION}). A user's events are keyed by user id, so they all
 * live on one partition in offset order (the stream is one partition): the stages remember, per user, the last
 * applied position and skip events at or below it, which makes a redelivered event a no-op however the
 * redelivered batch is composed.
 *
 * @param partition the partition of {@code shoal.behavior-events}, or {@link #STREAM_PARTITION}
 * @param offset    the record's offset in that partition; for the stream see {@link #ofStreamId}
 */
public record EventPosition(int partition, long offset) {

    /** The partition number of the embedded event log; no Kafka partition is negative. */
    public static final int STREAM_PARTITION = -1;

    /** Bits of a stream entry's sequence within its millisecond (Redis counts from 0 per millisecond). */
    static final int SEQUENCE_BITS = 20;

    /**
     * The position of a Redis Stream entry {@code <ms>-<seq>}: offset = ms &lt;&lt; 20 | seq, increasing with the
     * entry id as long as fewer than 2^20 (1,048,576) events share a millisecond, which one Redis cannot reach.
     */
    public static EventPosition ofStreamId(String id) {
        return ofStreamId(id, 0);
    }

    /**
     * The position of the {@code index}-th event (from 0) of a Redis Stream entry {@code <ms>-<seq>} that holds a
     * request's events: offset = ms &lt;&lt; 20 | (seq + index). The log's appending script reserves the sequence
     * numbers {@code seq .. seq + n - 1} for an entry of n events (it moves the stream's last id to the last of
     * them, {@code accept_events.lua}), so the positions of all events increase in log order, and an entry of one
     * event has the position its id alone gives, as before entries held several events.
     */
    public static EventPosition ofStreamId(String id, int index) {
        if (index < 0) {
            throw new IllegalArgumentException("an event's index in its entry must be >= 0 but was " + index);
        }
        int dash = id.indexOf('-');
        if (dash < 1) {
            throw new IllegalArgumentException("a stream entry id must look like ms-seq but was " + id);
        }
        long ms = Long.parseLong(id.substring(0, dash));
        long seq = Long.parseLong(id.substring(dash + 1)) + index;
        if (seq >= 1L << SEQUENCE_BITS || ms >= 1L << (63 - SEQUENCE_BITS)) {
            throw new IllegalArgumentException("stream entry id " + id + (index == 0 ? "" : " with event " + index)
                    + " does not fit a position");
        }
        return new EventPosition(STREAM_PARTITION, ms << SEQUENCE_BITS | seq);
    }

    /** Redis form, {@code partition:offset}. */
    public String encode() {
        return partition + ":" + offset;
    }

    /** Parses {@link #encode()}; null for null. */
    public static EventPosition decode(String value) {
        if (value == null) {
            return null;
        }
        int colon = value.indexOf(':');
        if (colon < 1 || colon == value.length() - 1) {
            throw new IllegalArgumentException("an event position must look like partition:offset but was " + value);
        }
        return new EventPosition(Integer.parseInt(value.substring(0, colon)), Long.parseLong(value.substring(colon + 1)));
    }

    /**
     * Whether an event at this position was already applied when {@code applied} is the user's last applied
     * position. A different partition means the topic was repartitioned: the old high-water mark says nothing
     * about the new partition, so the event counts as new.
     */
    public boolean appliedBy(EventPosition applied) {
        return applied != null && applied.partition == partition && offset <= applied.offset;
    }
}
