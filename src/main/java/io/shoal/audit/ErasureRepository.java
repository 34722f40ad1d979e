package io.shoal.audit;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Uni;

/**
 * PostgreSQL's side of an erasure: the receipts, and the shopper's rows (segment history, dead letters, identity
 * links). See V6__erasure_receipts.sql.
 */
@ApplicationScoped
public class ErasureRepository {

    /** A receipt whose erasure is not finished (the raw id is kept until it is). */
    public record Pending(long receiptId, String userId) {
    }

    /** The rows of one shopper deleted from PostgreSQL, and the ids that were linked into the shopper. */
    public record Purged(long historyRows, long deadLetters, long identityLinks, List<String> linkedIds) {
    }

    private final Mutiny.SessionFactory sessions;
    private final SafeContext context;

    public ErasureRepository(Mutiny.SessionFactory sessions, SafeContext context) {
        this.sessions = sessions;
        this.context = context;
    }

    /** Opens a receipt (state pending) for one shopper. */
    public Uni<Long> begin(String userId, String subjectHash, String requestedBy) {
        return context.run(() -> sessions.withTransaction((s, tx) -> s.createNativeQuery(
                "INSERT INTO erasure_receipt (subject_hash, requested_by, state, pending_user_id) "
                        + "VALUES (?1, ?2, 'pending', ?3) RETURNING id", Long.class)
                .setParameter(1, subjectHash).setParameter(2, requestedBy).setParameter(3, userId)
                .getSingleResult()));
    }

    /** The ids linked into the shopper by identity merges (their own keys are the shopper's too). */
    public Uni<List<String>> linkedIds(String userId) {
        return context.run(() -> sessions.withSession(s -> s.createNativeQuery(
                "SELECT previous_id FROM identity_link WHERE user_id = ?1", String.class)
                .setParameter(1, userId).getResultList()));
    }

    /** Deletes the shopper's rows (and those of the ids linked into it). */
    public Uni<Purged> purge(String userId, List<String> linkedIds) {
        List<String> ids = new ArrayList<>(linkedIds);
        ids.add(userId);
        return context.run(() -> sessions.withTransaction((s, tx) -> s.createNativeQuery(
                "DELETE FROM segment_history WHERE user_id = ANY(?1)").setParameter(1, ids.toArray(String[]::new))
                .executeUpdate()
                .chain(history -> s.createNativeQuery("DELETE FROM dead_letter WHERE user_id = ANY(?1)")
                        .setParameter(1, ids.toArray(String[]::new)).executeUpdate()
                        .chain(dead -> s.createNativeQuery(
                                "DELETE FROM identity_link WHERE user_id = ANY(?1) OR previous_id = ANY(?1)")
                                .setParameter(1, ids.toArray(String[]::new)).executeUpdate()
                                .map(links -> new Purged(history, dead, links, linkedIds))))));
    }

    /** Closes a receipt: what was removed, and the raw id forgotten. */
    public Uni<Instant> complete(long receiptId, String removedJson) {
        return context.run(() -> sessions.withTransaction((s, tx) -> s.createNativeQuery(
                "UPDATE erasure_receipt SET state = 'done', completed_at = now(), pending_user_id = NULL, "
                        + "removed = ?1 WHERE id = ?2 RETURNING completed_at", OffsetDateTime.class)
                .setParameter(1, removedJson).setParameter(2, receiptId).getSingleResult()
                .map(OffsetDateTime::toInstant)));
    }

    /** Deletes up to {@code limit} segment-history rows stored before {@code cutoff}; the number deleted. */
    public Uni<Integer> purgeHistory(Instant cutoff, int limit) {
        return context.run(() -> sessions.withTransaction((s, tx) -> s.createNativeQuery(
                "DELETE FROM segment_history WHERE id IN (SELECT id FROM segment_history WHERE recorded_at < ?1 "
                        + "ORDER BY recorded_at LIMIT ?2)")
                .setParameter(1, cutoff.atOffset(java.time.ZoneOffset.UTC)).setParameter(2, limit).executeUpdate()));
    }

    /** Receipts a crash left open, oldest first. */
    public Uni<List<Pending>> pending(int limit) {
        return context.run(() -> sessions.withSession(s -> s.createNativeQuery(
                "SELECT id, pending_user_id FROM erasure_receipt WHERE state = 'pending' ORDER BY id LIMIT ?1",
                Object[].class).setParameter(1, limit).getResultList()
                .map(rows -> rows.stream().map(r -> new Pending(((Number) r[0]).longValue(), (String) r[1]))
                        .toList())));
    }
}
