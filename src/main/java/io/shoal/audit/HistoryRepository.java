package io.shoal.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Uni;

/** The audit trail: segment changes and lifecycle events in PostgreSQL, written in batches, read per user. */
@ApplicationScoped
public class HistoryRepository {

    private final Mutiny.SessionFactory sessions;
    private final SafeContext context;

    public HistoryRepository(Mutiny.SessionFactory sessions, SafeContext context) {
        this.sessions = sessions;
        this.context = context;
    }

    /**
     * Writes a batch's changes and lifecycle events in one transaction, once per batch id.
     *
     * @return false when the batch had already been recorded (nothing written)
     */
    public Uni<Boolean> record(String batchId, List<SegmentMove> moves, List<SegmentLifecycleEntity> lifecycle) {
        return record(batchId, moves, lifecycle, null);
    }

    /**
     * As {@link #record(String, List, List)}, with the order Redis applied the changes in (see V4).
     *
     * @param appliedOrder the audit outbox entry's position, or null
     */
    public Uni<Boolean> record(String batchId, List<SegmentMove> moves, List<SegmentLifecycleEntity> lifecycle,
            Long appliedOrder) {
        return record(batchId, moves, lifecycle, appliedOrder, null);
    }

    /**
     * As {@link #record(String, List, List, Long)}, with an identity merge's link row (null for none), in the same
     * transaction.
     */
    public Uni<Boolean> record(String batchId, List<SegmentMove> moves, List<SegmentLifecycleEntity> lifecycle,
            Long appliedOrder, AuditRows.IdentityLink link) {
        return context.run(() -> sessions.withTransaction((session, tx) -> session
                .createNativeQuery("INSERT INTO applied_batch (batch_id) VALUES (?1) ON CONFLICT DO NOTHING")
                .setParameter(1, batchId)
                .executeUpdate()
                .chain(inserted -> {
                    if (inserted == 0) {
                        return Uni.createFrom().item(false);
                    }
                    List<Object> rows = new ArrayList<>(moves.size() + lifecycle.size());
                    for (SegmentMove m : moves) {
                        SegmentChangeEntity row = toEntity(m);
                        row.appliedOrder = appliedOrder;
                        rows.add(row);
                    }
                    rows.addAll(lifecycle);
                    Uni<Boolean> written = rows.isEmpty() ? Uni.createFrom().item(true)
                            : session.persistAll(rows.toArray()).replaceWith(true);
                    if (link == null) {
                        return written;
                    }
                    return written.call(() -> session.createNativeQuery("INSERT INTO identity_link (previous_id, "
                            + "user_id, linked_at, previous_segment, model_version) VALUES (?1, ?2, ?3, ?4, ?5) "
                            + "ON CONFLICT (previous_id) DO NOTHING")
                            .setParameter(1, link.previousId())
                            .setParameter(2, link.userId())
                            .setParameter(3, java.time.OffsetDateTime.ofInstant(link.linkedAt(), java.time.ZoneOffset.UTC))
                            .setParameter(4, link.previousSegment())
                            .setParameter(5, link.modelVersion())
                            .executeUpdate());
                })));
    }

    /**
     * The ids whose history is {@code userId}'s: itself and every shopper merged into it, transitively (see
     * V5__identity_links.sql).
     */
    public Uni<List<String>> linkedIds(String userId) {
        return context.run(() -> sessions.withSession(session -> session
                .createNativeQuery("WITH RECURSIVE linked(id) AS (SELECT CAST(?1 AS VARCHAR) UNION "
                        + "SELECT l.previous_id FROM identity_link l JOIN linked ON l.user_id = linked.id) "
                        + "SELECT id FROM linked", String.class)
                .setParameter(1, userId)
                .getResultList()));
    }

    /**
     * Removes applied-batch markers older than {@code lifetime} (the dedup window): nothing is redelivered that late.
     *
     * @return how many were removed
     */
    public Uni<Integer> forgetMarkersOlderThan(java.time.Duration lifetime) {
        return context.run(() -> sessions.withTransaction((session, tx) -> session
                .createNativeQuery("DELETE FROM applied_batch WHERE applied_at < now() - make_interval(secs => ?1)")
                .setParameter(1, (double) lifetime.toSeconds()).executeUpdate()));
    }

    /** Answers when PostgreSQL answers a trivial query (the pipeline's dependency probe). */
    public Uni<Void> ping() {
        return context.run(() -> sessions.withSession(session -> session.createNativeQuery("SELECT 1")
                .getSingleResult())).replaceWithVoid();
    }

    /** Lifecycle events outside a batch (seeding, maintenance). */
    public Uni<Void> recordLifecycle(List<SegmentLifecycleEntity> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return context.run(() -> sessions.withTransaction((session, tx) -> session.persistAll(events.toArray())));
    }

    /** A user's changes, newest first. */
    public Uni<List<SegmentChangeEntity>> history(String userId, int page, int size) {
        return linkedIds(userId).chain(ids -> context.run(() -> sessions.withSession(session -> session
                .createQuery("from SegmentChangeEntity where userId in :u order by changedAt desc, id desc",
                        SegmentChangeEntity.class)
                .setParameter("u", ids)
                .setFirstResult(page * size)
                .setMaxResults(size)
                .getResultList())));
    }

    /** The change in force at an instant: the latest one at or before it, or null. */
    public Uni<SegmentChangeEntity> asOf(String userId, Instant at) {
        return linkedIds(userId).chain(ids -> context.run(() -> sessions.withSession(session -> session
                .createQuery("from SegmentChangeEntity where userId in :u and changedAt <= :at "
                        + "order by changedAt desc, id desc", SegmentChangeEntity.class)
                .setParameter("u", ids)
                .setParameter("at", at)
                .setMaxResults(1)
                .getResultList()
                .map(l -> l.isEmpty() ? null : l.get(0)))));
    }

    /** Number of changes per reason (for reports). */
    public Uni<Long> countChanges() {
        return context.run(() -> sessions.withSession(session -> session
                .createQuery("select count(*) from SegmentChangeEntity", Long.class).getSingleResult()));
    }

    private static SegmentChangeEntity toEntity(SegmentMove m) {
        SegmentChangeEntity e = new SegmentChangeEntity();
        e.userId = m.userId();
        e.fromSegment = m.fromSegment();
        e.toSegment = m.toSegment();
        e.changedAt = m.changedAt();
        e.modelVersion = m.modelVersion();
        e.distance = Double.isFinite(m.distance()) ? m.distance() : null;
        e.margin = Double.isFinite(m.margin()) ? m.margin() : null;
        e.reason = m.reason();
        return e;
    }
}
