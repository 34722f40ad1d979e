package io.shoal.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Uni;

/**
 * Aggregates over the audit trail for the dashboard: membership changes per segment and time bucket, flows between
 * segments in a window, the lifecycle events. Each is one aggregate query; nothing is read row by row. Times are
 * the event times the changes carry ({@code changed_at}); erased shoppers and purged history are not counted.
 */
@ApplicationScoped
public class SegmentTrends {

    /** The event-time span of the audit trail; both null when it is empty. */
    public record Span(Instant first, Instant last, long changes) {
    }

    /** Entries into and exits from one segment within one time bucket (1..buckets). */
    public record BucketCount(int bucket, long segmentId, long entered, long exited) {
    }

    /** Shoppers who moved from one segment to another in a window. */
    public record Flow(long fromSegment, long toSegment, long shoppers) {
    }

    private final Mutiny.SessionFactory sessions;
    private final SafeContext context;

    public SegmentTrends(Mutiny.SessionFactory sessions, SafeContext context) {
        this.sessions = sessions;
        this.context = context;
    }

    public Uni<Span> span() {
        return context.run(() -> sessions.withSession(session -> session.createNativeQuery(
                "SELECT extract(epoch FROM min(changed_at)) * 1000, extract(epoch FROM max(changed_at)) * 1000, "
                        + "count(*) FROM segment_history", Object[].class)
                .getSingleResult()))
                .map(r -> new Span(instant(r[0]), instant(r[1]), ((Number) r[2]).longValue()));
    }

    /**
     * Entries and exits per segment in {@code buckets} equal buckets of [from, to]; changes outside are left out.
     * Bucket b (1-based) holds from + (b − 1)·w ≤ t &lt; from + b·w, w = (to − from) / buckets; t = to goes to the
     * last bucket.
     */
    public Uni<List<BucketCount>> sizeChanges(Instant from, Instant to, int buckets) {
        String bucket = "LEAST(width_bucket(extract(epoch FROM changed_at), ?1, ?2, ?3), ?3)";
        String sql = "SELECT b, s, sum(e), sum(x) FROM ("
                + "SELECT " + bucket + " AS b, to_segment AS s, 1 AS e, 0 AS x FROM segment_history "
                + "WHERE changed_at >= ?4 AND changed_at <= ?5 "
                + "UNION ALL SELECT " + bucket + ", from_segment, 0, 1 FROM segment_history "
                + "WHERE from_segment IS NOT NULL AND changed_at >= ?4 AND changed_at <= ?5"
                + ") c GROUP BY b, s ORDER BY b, s";
        double lo = from.toEpochMilli() / 1000.0;
        double hi = Math.max(to.toEpochMilli() / 1000.0, lo + 0.001);
        return context.run(() -> sessions.withSession(session -> session.createNativeQuery(sql, Object[].class)
                .setParameter(1, lo).setParameter(2, hi).setParameter(3, buckets)
                .setParameter(4, java.time.OffsetDateTime.ofInstant(from, java.time.ZoneOffset.UTC))
                .setParameter(5, java.time.OffsetDateTime.ofInstant(to, java.time.ZoneOffset.UTC))
                .getResultList()))
                .map(rows -> {
                    List<BucketCount> out = new ArrayList<>(rows.size());
                    for (Object[] r : rows) {
                        out.add(new BucketCount(((Number) r[0]).intValue(), ((Number) r[1]).longValue(),
                                ((Number) r[2]).longValue(), ((Number) r[3]).longValue()));
                    }
                    return out;
                });
    }

    /** Members per segment before {@code at}: entries minus exits of all earlier changes. */
    public Uni<List<BucketCount>> sizesBefore(Instant at) {
        String sql = "SELECT s, sum(e) - sum(x) FROM ("
                + "SELECT to_segment AS s, 1 AS e, 0 AS x FROM segment_history WHERE changed_at < ?1 "
                + "UNION ALL SELECT from_segment, 0, 1 FROM segment_history "
                + "WHERE from_segment IS NOT NULL AND changed_at < ?1) c GROUP BY s";
        return context.run(() -> sessions.withSession(session -> session.createNativeQuery(sql, Object[].class)
                .setParameter(1, java.time.OffsetDateTime.ofInstant(at, java.time.ZoneOffset.UTC))
                .getResultList()))
                .map(rows -> {
                    List<BucketCount> out = new ArrayList<>(rows.size());
                    for (Object[] r : rows) {
                        long net = ((Number) r[1]).longValue();
                        out.add(new BucketCount(0, ((Number) r[0]).longValue(), Math.max(0, net), 0));
                    }
                    return out;
                });
    }

    /** Moves between two segments with from ≤ changed_at ≤ to, most shoppers first, at most {@code limit}. */
    public Uni<List<Flow>> flows(Instant from, Instant to, int limit) {
        String sql = "SELECT from_segment, to_segment, count(*) FROM segment_history WHERE from_segment IS NOT NULL "
                + "AND from_segment <> to_segment AND changed_at >= ?1 AND changed_at <= ?2 "
                + "GROUP BY from_segment, to_segment ORDER BY 3 DESC, 1, 2 LIMIT ?3";
        return context.run(() -> sessions.withSession(session -> session.createNativeQuery(sql, Object[].class)
                .setParameter(1, java.time.OffsetDateTime.ofInstant(from, java.time.ZoneOffset.UTC))
                .setParameter(2, java.time.OffsetDateTime.ofInstant(to, java.time.ZoneOffset.UTC))
                .setParameter(3, limit)
                .getResultList()))
                .map(rows -> {
                    List<Flow> out = new ArrayList<>(rows.size());
                    for (Object[] r : rows) {
                        out.add(new Flow(((Number) r[0]).longValue(), ((Number) r[1]).longValue(),
                                ((Number) r[2]).longValue()));
                    }
                    return out;
                });
    }

    /** The newest lifecycle events (created, retired, split, ...), oldest first, at most {@code limit}. */
    public Uni<List<SegmentLifecycleEntity>> lifecycle(int limit) {
        return context.run(() -> sessions.withSession(session -> session
                .createQuery("from SegmentLifecycleEntity order by occurredAt desc, id desc",
                        SegmentLifecycleEntity.class)
                .setMaxResults(limit)
                .getResultList()))
                .map(rows -> {
                    List<SegmentLifecycleEntity> out = new ArrayList<>(rows);
                    java.util.Collections.reverse(out);
                    return out;
                });
    }

    private static Instant instant(Object millis) {
        return millis == null ? null : Instant.ofEpochMilli(((Number) millis).longValue());
    }
}
