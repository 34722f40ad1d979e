package io.shoal.audit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.shoal.config.IngestConfig;
import io.shoal.config.RoleConfig;
import io.shoal.event.EventPosition;
import io.shoal.store.RedisKeys;
import io.shoal.store.RedisStream;
import io.opentelemetry.api.trace.Span;
import io.shoal.tracing.Tracing;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Moves audit rows from the audit outbox (a Redis Stream that the apply and sweep scripts append to in the same step
 * as the changes they record) to {@code segment_history}, exactly once each: an outbox entry is written in one
 * PostgreSQL transaction together with its marker in {@code applied_batch} ({@code outbox-<entry id>}), and
 * acknowledged and deleted only after the commit. A crash before the commit redoes the entry; after it, the marker
 * makes the redo write nothing. So PostgreSQL ends up recording exactly what Redis applied.
 * <p>
 * Runs in the roles that apply batches (all, worker); several workers share the outbox through one consumer group,
 * and entries a crashed worker had read are claimed by another after {@link #ABANDONED_AFTER} (every relay looks
 * for such entries, and re-reads its own pending ones, that often). While PostgreSQL is
 * down the rows wait in Redis (gauge {@code shoal_audit_outbox_backlog}). Markers older than the dedup window are
 * removed hourly: the same lifetime as every other idempotency marker.
 */
@ApplicationScoped
public class AuditRelay {

    static final String GROUP = "audit";
    /** Entries another consumer read and has not acknowledged for this long are taken over. */
    static final Duration ABANDONED_AFTER = Duration.ofSeconds(30);
    static final int READ_COUNT = 64;
    static final long IDLE_BLOCK_MILLIS = 500;
    static final Duration MAX_DELAY = Duration.ofSeconds(5);
    static final Duration MARKER_SWEEP_EVERY = Duration.ofHours(1);

    private final RedisStream outbox;
    private final HistoryRepository history;
    private final boolean enabled;
    private final Duration markerLifetime;
    private final Vertx vertx;
    private final String consumer;
    private final Counter rows;
    private final Tracing tracing;
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicLong oldest = new AtomicLong();

    private volatile boolean closing;
    private boolean recovering = true;
    private Duration delay = Duration.ofMillis(100);
    private long lastMarkerSweep = System.nanoTime();
    private long lastClaim = System.nanoTime();

    public AuditRelay(ReactiveRedisDataSource redis, RedisKeys keys, HistoryRepository history, RoleConfig roles,
            IngestConfig ingest, Tracing tracing, Vertx vertx, MeterRegistry registry) {
        this.tracing = tracing;
        this.outbox = new RedisStream(redis.getRedis(), keys.auditOutbox(), GROUP);
        this.history = history;
        this.enabled = roles.role() != RoleConfig.Role.INGEST;
        this.markerLifetime = ingest.dedupTtl();
        this.vertx = vertx;
        String host = System.getenv("HOSTNAME");
        this.consumer = "relay-" + (host == null || host.isBlank() ? "local" : host);
        this.rows = Counter.builder("shoal.audit.rows").description("Audit rows moved from the outbox to PostgreSQL")
                .register(registry);
        Gauge.builder("shoal.audit.outbox.backlog", backlog, AtomicLong::get)
                .description("Audit outbox entries not yet in PostgreSQL").register(registry);
        Gauge.builder("shoal.audit.outbox.lag", oldest, o -> o.get() == 0 ? 0
                : Math.max(0, System.currentTimeMillis() - o.get()) / 1000.0).baseUnit("seconds")
                .description("Age of the oldest audit outbox entry not yet in PostgreSQL (0 when none waits)")
                .register(registry);
    }

    void start(@Observes StartupEvent ignored) {
        if (enabled) {
            next();
        }
    }

    void stop(@Observes ShutdownEvent ignored) {
        closing = true;
    }

    /** Outbox entries not yet relayed, as last seen. */
    public long backlog() {
        return backlog.get();
    }

    private void next() {
        if (closing) {
            return;
        }
        step().subscribe().with(ignored -> {
            delay = Duration.ofMillis(100);
            next();
        }, f -> {
            recovering = true;
            Log.warnf("Audit relay: %s; the rows wait in the outbox, retrying in %s", f.toString(), delay);
            long wait = delay.toMillis();
            delay = delay.multipliedBy(2).compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay.multipliedBy(2);
            vertx.setTimer(Math.max(1, wait), id -> next());
        });
    }

    private Uni<Void> step() {
        Uni<List<RedisStream.Entry>> read;
        if (System.nanoTime() - lastClaim > ABANDONED_AFTER.toNanos()) {
            // Now and then, entries another relay read and never acknowledged (it crashed) are taken over.
            recovering = true;
        }
        if (recovering) {
            lastClaim = System.nanoTime();
            // Own pending entries first (read before a crash or a failure), then those of crashed consumers.
            read = outbox.ensureGroup()
                    .chain(() -> outbox.claimAbandoned(consumer, ABANDONED_AFTER.toMillis(), READ_COUNT))
                    .chain(() -> outbox.read(consumer, READ_COUNT, true, 0))
                    .invoke(entries -> {
                        if (entries.isEmpty()) {
                            recovering = false;
                        }
                    });
        } else {
            read = outbox.read(consumer, READ_COUNT, false, IDLE_BLOCK_MILLIS);
        }
        return read.chain(this::relay).chain(this::sweepMarkersIfDue);
    }

    private Uni<Void> relay(List<RedisStream.Entry> entries) {
        if (entries.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // Read and not yet written: the oldest waiting is at most this old (the acknowledgement tells exactly).
        oldest.compareAndSet(0, RedisStream.idMillis(entries.get(0).id()));
        Uni<Void> chain = Uni.createFrom().voidItem();
        List<String> ids = new ArrayList<>(entries.size());
        for (RedisStream.Entry e : entries) {
            ids.add(e.id());
            String json = e.field("rows");
            if (json == null) {
                continue; // deleted while pending: relayed by an earlier run whose acknowledgement was lost
            }
            List<SegmentMove> moves = AuditRows.parse(json);
            String linkJson = e.field("links");
            AuditRows.IdentityLink link = linkJson == null ? null : AuditRows.parseLink(linkJson);
            long appliedOrder = EventPosition.ofStreamId(e.id()).offset();
            String traceparent = e.field(Tracing.TRACEPARENT_FIELD);
            chain = chain.chain(() -> {
                Uni<Boolean> write = history.record("outbox-" + e.id(), moves, List.of(), appliedOrder, link);
                if (traceparent != null) {
                    // A child of the batch that made the rows (its context came with the outbox entry).
                    Span span = tracing.start(Tracing.AUDIT, Tracing.context(traceparent))
                            .setAttribute("shoal.audit.rows", moves.size());
                    write = Tracing.ending(span, write.invoke(written -> span.setAttribute("shoal.audit.written",
                            written)));
                }
                return write.invoke(written -> {
                    if (written) {
                        rows.increment(moves.size());
                    }
                });
            }).replaceWithVoid();
        }
        return chain.chain(() -> outbox.ack(ids)).invoke(left -> {
            backlog.set(left.size());
            oldest.set(left.oldestMillis());
        }).replaceWithVoid();
    }

    private Uni<Void> sweepMarkersIfDue() {
        if (System.nanoTime() - lastMarkerSweep < MARKER_SWEEP_EVERY.toNanos()) {
            return Uni.createFrom().voidItem();
        }
        lastMarkerSweep = System.nanoTime();
        return history.forgetMarkersOlderThan(markerLifetime)
                .invoke(n -> Log.debugf("Removed %d applied-batch markers older than %s", n, markerLifetime))
                .replaceWithVoid();
    }
}
