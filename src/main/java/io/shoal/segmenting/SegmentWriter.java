package io.shoal.segmenting;

import io.shoal.event.Channels;
import io.shoal.event.SegmentChangeEvent;
import io.shoal.event.BehaviorEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.shoal.audit.AuditRows;
import io.shoal.audit.SegmentLifecycleEntity;
import io.shoal.audit.SegmentMove;
import io.shoal.config.IngestConfig;
import io.shoal.config.SegmentationConfig;
import io.shoal.pipeline.ConflictException;
import io.shoal.segmentation.SegmentBatchPlanner.Plan;
import io.shoal.segmentation.SegmentBatchPlanner.UserOutcome;
import io.shoal.store.SegmentStore;
import io.shoal.store.SegmentStore.BatchWrite;
import io.shoal.store.SegmentStore.UserWrite;
import io.shoal.segmentation.SegmentModel;
import io.shoal.store.StoredUser;
import io.shoal.store.StoredUserCodec;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.annotations.Broadcast;

/**
 * Makes a plan durable: one atomic Redis update (once per batch id and per event position) that also appends the
 * batch's audit rows to the audit outbox, which {@link io.shoal.audit.AuditRelay} moves to PostgreSQL once each; then
 * the entered/exited events. So PostgreSQL records exactly the moves Redis applied, whatever crashes in between.
 */
@ApplicationScoped
public class SegmentWriter {

    /** A batch's plan with what is needed to write it. */
    public record PlannedBatch(String batchId, SegmentModel plannedOn, Plan plan, double decay,
            Map<String, float[]> recentTexts, Map<String, StoredUser> before, Map<String, String> digests,
            long newlyProfiled) {
    }

    private final SegmentStore store;
    /** Applied-batch markers live as long as the dedup window, like every idempotency marker. */
    private final long markerTtlSeconds;
    private final MutinyEmitter<SegmentChangeEvent> changes;
    private final SegmentationConfig config;
    private final Counter moves;
    private final Counter suppressed;

    public SegmentWriter(SegmentStore store, IngestConfig ingest,
            // @Broadcast: in the worker role the changes go both to the local broadcaster and to Kafka (docs/kafka.md).
            @Channel(Channels.SEGMENT_CHANGES) @Broadcast @OnOverflow(value = OnOverflow.Strategy.DROP)
            MutinyEmitter<SegmentChangeEvent> changes, SegmentationConfig config, MeterRegistry registry) {
        this.store = store;
        this.markerTtlSeconds = Math.max(1, ingest.dedupTtl().toSeconds());
        this.changes = changes;
        this.config = config;
        this.moves = Counter.builder("shoal.segmentation.changes").description("Segment changes of users")
                .register(registry);
        this.suppressed = Counter.builder("shoal.segmentation.suppressed")
                .description("Moves held back by the margin/dwell hysteresis").register(registry);
    }

    /** @return the model version after the write */
    public Uni<Long> write(PlannedBatch b) {
        return write(b, List.of());
    }

    /**
     * Kafka path: as {@link #write(PlannedBatch)}, and moves the users' positions in the same atomic Redis update
     * (see EventPosition).
     *
     * @return the model version after the write
     */
    public Uni<Long> write(PlannedBatch b, List<SegmentStore.PositionWrite> positions) {
        return write(b, positions, null);
    }

    /** As {@link #write(PlannedBatch, List)}; the audit rows carry the batch span's {@code traceparent}. */
    public Uni<Long> write(PlannedBatch b, List<SegmentStore.PositionWrite> positions, String traceparent) {
        SegmentModel model = b.plannedOn();
        List<SegmentMove> moveRows = new ArrayList<>();
        List<SegmentChangeEvent> events = new ArrayList<>();
        Map<Long, Long> sizeDeltas = new HashMap<>();
        List<UserWrite> users = new ArrayList<>(b.plan().outcomes().size());
        Map<String, float[]> sample = new LinkedHashMap<>();
        for (UserOutcome o : b.plan().outcomes()) {
            if (o.profile() == null || !o.profileChanged()) {
                continue;
            }
            users.add(new UserWrite(o.userId(), record(o, model, b.before().get(o.userId())),
                    b.digests().getOrDefault(o.userId(), "")));
            sample.put(o.userId(), o.profile().vector());
            collectChange(o, model, o.decision() == null ? null : o.decision().reason().name().toLowerCase(),
                    moveRows, events, sizeDeltas);
        }
        Plan p = b.plan();
        BatchWrite write = new BatchWrite(b.batchId(), b.decay(), model, p.counts(), p.sums(), p.sumSquares(), users,
                sizeDeltas, sample, b.recentTexts(), config.sampleSize(), markerTtlSeconds, b.newlyProfiled());
        return store.apply(write, positions, AuditRows.rows(moveRows), traceparent).map(applied -> {
            if (applied.stale()) {
                throw new ConflictException("what batch " + b.batchId() + " was planned on changed meanwhile ("
                        + applied.detail() + "); it will be planned again");
            }
            if (applied.applied()) {
                suppressed.increment(p.suppressed());
                published(moveRows.size(), events);
            }
            return applied.version();
        });
    }

    /**
     * Adds the audit row, the exited/entered events and the size deltas of one outcome if its segment changed.
     *
     * @param reason the audit reason (the decision's, or the swap's cause for a sweep)
     */
    void collectChange(UserOutcome o, SegmentModel model, String reason, List<SegmentMove> moveRows,
            List<SegmentChangeEvent> events, Map<Long, Long> sizeDeltas) {
        if (!o.segmentChanged()) {
            return;
        }
        Instant at = Instant.ofEpochMilli(o.sinceMillis());
        double sim = o.decision().similarity();
        moveRows.add(new SegmentMove(o.userId(), o.fromSegment(), o.segmentId(), at, model.version(), 1 - sim,
                o.decision().margin(), reason));
        if (o.fromSegment() != null) {
            sizeDeltas.merge(o.fromSegment(), -1L, Long::sum);
            events.add(new SegmentChangeEvent(SegmentChangeEvent.Kind.EXITED, o.fromSegment(), o.userId(),
                    o.segmentId(), at, model.version(), reason, sim, o.decision().margin()));
        }
        sizeDeltas.merge(o.segmentId(), 1L, Long::sum);
        events.add(new SegmentChangeEvent(SegmentChangeEvent.Kind.ENTERED, o.segmentId(), o.userId(),
                o.fromSegment(), at, model.version(), reason, sim, o.decision().margin()));
    }

    /** Counts applied moves and publishes their events. */
    void published(int moveCount, List<SegmentChangeEvent> events) {
        moves.increment(moveCount);
        // CloudEvents attributes ride along as metadata: the Kafka connector writes them as ce_* headers (worker
        // role); the in-process broadcaster reads the payload only.
        events.forEach(e -> changes.sendMessageAndForget(
                org.eclipse.microprofile.reactive.messaging.Message.of(e)
                        .addMetadata(SegmentChangeCloudEvents.metadata(e))));
    }

    /**
     * The user's record after the batch: the new profile, and the segment with the score and margin of this
     * decision; the model version is the one of the last change.
     */
    byte[] record(UserOutcome o, SegmentModel model, StoredUser before) {
        if (o.decision() == null) {
            // No model yet (or no profile): keep whatever segment the user had.
            StoredUser keep = before == null ? new StoredUser(null, null, 0, Double.NaN, Double.NaN, 0, null) : before;
            return StoredUserCodec.write(new StoredUser(o.profile(), keep.segmentId(), keep.sinceMillis(),
                    keep.similarity(), keep.margin(), keep.modelVersion(), keep.memberships()), config.profileEncoding());
        }
        long version = o.segmentChanged() || before == null ? model.version() : before.modelVersion();
        String memberships = o.memberships() == null ? null : topMemberships(o.memberships(), model.ids(), 3);
        return StoredUserCodec.write(new StoredUser(o.profile(), o.segmentId(), o.sinceMillis(),
                o.decision().similarity(), o.decision().margin(), version, memberships), config.profileEncoding());
    }

    static String topMemberships(double[] memberships, long[] ids, int n) {
        Integer[] order = new Integer[memberships.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(memberships[b], memberships[a]));
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(n, order.length); i++) {
            if (i > 0) {
                s.append(',');
            }
            s.append(ids[order[i]]).append(':').append(String.format(Locale.ROOT, "%.4f", memberships[order[i]]));
        }
        return s.toString();
    }

    /**
     * A batch id from its events' identities (shopper and event id: event ids are unique per shopper only): the
     * same events give the same id, so a retry is recognised. Ids hold no NUL (io.shoal.event.Identifiers), so the
     * NUL separators make the digested sequence unambiguous.
     */
    public static String batchId(List<BehaviorEvent> events) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (BehaviorEvent e : events) {
                sha.update(e.userId().getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(e.eventId().getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Converts lifecycle events of the math into rows. */
    public static SegmentLifecycleEntity lifecycleRow(String kind, long segmentId, Long other, double weight,
            long version) {
        SegmentLifecycleEntity e = new SegmentLifecycleEntity();
        e.kind = kind;
        e.segmentId = segmentId;
        e.otherSegmentId = other;
        e.weight = weight;
        e.modelVersion = version;
        e.occurredAt = Instant.now();
        return e;
    }
}
