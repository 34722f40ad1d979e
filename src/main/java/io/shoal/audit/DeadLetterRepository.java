package io.shoal.audit;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.event.Observes;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Uni;

/** The {@code dead_letter} table: events isolated as failing by the pipeline, listed and replayed by operators. */
@ApplicationScoped
public class DeadLetterRepository {

    /** Longest error text kept per row. */
    static final int MAX_ERROR = 2_000;

    /** What to store for one failing event. */
    public record Failure(String userId, String eventId, String event, String error) {
    }

    private final Mutiny.SessionFactory sessions;
    private final SafeContext context;
    private final Vertx vertx;

    /** How often the open dead letters are counted for {@code shoal_dead_letters_open} (also after each change). */
    static final long COUNT_EVERY_MILLIS = 60_000;

    private final AtomicLong open = new AtomicLong();

    public DeadLetterRepository(Mutiny.SessionFactory sessions, SafeContext context, Vertx vertx,
            MeterRegistry registry) {
        this.sessions = sessions;
        this.context = context;
        this.vertx = vertx;
        Gauge.builder("shoal.dead.letters.open", open, AtomicLong::get)
                .description("Dead letters not replayed since they last failed (rows of dead_letter; "
                        + "./shoal dead-letters list)")
                .register(registry);
    }

    void startCounting(@Observes StartupEvent ignored) {
        refreshCount();
        vertx.setPeriodic(COUNT_EVERY_MILLIS, id -> refreshCount());
    }

    private void refreshCount() {
        countOpen().subscribe().with(open::set,
                f -> Log.debugf("Could not count the open dead letters: %s", f.toString()));
    }

    /** Stores failing events in one transaction; an event stored before is updated (error, time, attempts + 1). */
    public Uni<Void> record(List<Failure> failures) {
        if (failures.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return context.run(() -> sessions.withTransaction((session, tx) -> {
            Uni<Integer> chain = Uni.createFrom().item(0);
            for (Failure f : failures) {
                chain = chain.chain(() -> session.createNativeQuery("""
                        INSERT INTO dead_letter (user_id, event_id, event, error) VALUES (?1, ?2, ?3, ?4)
                        ON CONFLICT (user_id, event_id) DO UPDATE SET event = excluded.event, error = excluded.error,
                            failed_at = now(), attempts = dead_letter.attempts + 1, replayed_at = NULL""")
                        .setParameter(1, f.userId()).setParameter(2, f.eventId()).setParameter(3, f.event())
                        .setParameter(4, truncate(f.error())).executeUpdate());
            }
            return chain.replaceWithVoid();
        })).invoke(this::refreshCount);
    }

    /**
     * Dead letters, oldest first.
     *
     * @param open true: only those not replayed since they last failed
     */
    public Uni<List<DeadLetter>> list(boolean open, int limit) {
        return context.run(() -> sessions.withSession(session -> session.createNativeQuery(
                "SELECT id, user_id, event_id, event, error, failed_at, attempts, replayed_at FROM dead_letter"
                        + (open ? " WHERE replayed_at IS NULL" : "") + " ORDER BY failed_at, id LIMIT ?1",
                Object[].class).setParameter(1, limit).getResultList().map(DeadLetterRepository::rows)));
    }

    /** The dead letters with these ids (any state), oldest first. */
    public Uni<List<DeadLetter>> byIds(List<Long> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return context.run(() -> sessions.withSession(session -> session.createNativeQuery(
                "SELECT id, user_id, event_id, event, error, failed_at, attempts, replayed_at FROM dead_letter"
                        + " WHERE id IN (:ids) ORDER BY failed_at, id", Object[].class)
                .setParameter("ids", ids).getResultList().map(DeadLetterRepository::rows)));
    }

    /** Marks dead letters as handed back to ingestion. */
    public Uni<Integer> markReplayed(List<Long> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return context.run(() -> sessions.withTransaction((session, tx) -> session
                .createNativeQuery("UPDATE dead_letter SET replayed_at = now() WHERE id IN (:ids)")
                .setParameter("ids", ids).executeUpdate())).invoke(this::refreshCount);
    }

    /** Dead letters not replayed since they last failed. */
    public Uni<Long> countOpen() {
        return context.run(() -> sessions.withSession(session -> session
                .createNativeQuery("SELECT count(*) FROM dead_letter WHERE replayed_at IS NULL", Long.class)
                .getSingleResult()));
    }

    private static List<DeadLetter> rows(List<Object[]> rows) {
        List<DeadLetter> out = new ArrayList<>(rows.size());
        for (Object[] r : rows) {
            out.add(new DeadLetter(((Number) r[0]).longValue(), (String) r[1], (String) r[2], (String) r[3],
                    (String) r[4], instant(r[5]), ((Number) r[6]).intValue(), instant(r[7])));
        }
        return out;
    }

    private static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof OffsetDateTime o) {
            return o.toInstant();
        }
        if (value instanceof LocalDateTime l) {
            return l.toInstant(ZoneOffset.UTC);
        }
        throw new IllegalStateException("unexpected timestamp type " + value.getClass());
    }

    private static String truncate(String error) {
        String e = error == null ? "unknown error" : error;
        return e.length() > MAX_ERROR ? e.substring(0, MAX_ERROR) : e;
    }
}
