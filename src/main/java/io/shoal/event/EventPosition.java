package io.shoal.event;

/**
 * Where an event sits in the Kafka topic. A user's events are keyed by user id, so they all live on one partition
 * in offset order: the stages remember, per user, the last applied position and skip events at or below it, which
 * makes a redelivered event a no-op however the redelivered batch is composed.
 *
 * @param partition the partition of {@code shoal.behavior-events}
 * @param offset    the record's offset in that partition
 */
public record EventPosition(int partition, long offset) {

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
        if (colon < 1) {
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
