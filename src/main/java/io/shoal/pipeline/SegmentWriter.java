package io.shoal.pipeline;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.shoal.audit.HistoryRepository;
import io.shoal.audit.SegmentLifecycleEntity;
import io.shoal.audit.SegmentMove;
import io.shoal.config.SegmentationConfig;
import io.shoal.segmentation.SegmentBatchPlanner.Plan;
import io.shoal.segmentation.SegmentBatchPlanner.UserOutcome;
import io.shoal.store.SegmentStore;
import io.shoal.store.SegmentStore.BatchWrite;
import io.shoal.store.SegmentStore.UserWrite;
import io.shoal.store.StoredModel;
import io.shoal.store.VectorCodec;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Makes a plan durable: audit rows in PostgreSQL first (once per batch id), then the atomic Redis update (once per
 * batch id), then the entered/exited events. Both steps are idempotent, so a retried batch changes nothing twice.
 */
@ApplicationScoped
public class SegmentWriter {

    /** A batch's plan with what is needed to write it. */
    public record PlannedBatch(String batchId, StoredModel plannedOn, Plan plan, double decay,
            Map<String, float[]> recentTexts, List<SegmentLifecycleEntity> lifecycle) {
    }

    private final SegmentStore store;
    private final HistoryRepository history;
    private final MutinyEmitter<SegmentChangeEvent> changes;
    private final SegmentationConfig config;
    private final Counter moves;
    private final Counter suppressed;

    public SegmentWriter(SegmentStore store, HistoryRepository history,
            @Channel(Channels.SEGMENT_CHANGES) @OnOverflow(value = OnOverflow.Strategy.DROP)
            MutinyEmitter<SegmentChangeEvent> changes, SegmentationConfig config, MeterRegistry registry) {
        this.store = store;
        this.history = history;
        this.changes = changes;
        this.config = config;
        this.moves = Counter.builder("shoal.segmentation.changes").description("Segment changes of users")
                .register(registry);
        this.suppressed = Counter.builder("shoal.segmentation.suppressed")
                .description("Moves held back by the margin/dwell hysteresis").register(registry);
    }

    /** @return the model version after the write */
    public Uni<Long> write(PlannedBatch b) {
        StoredModel model = b.plannedOn();
        List<SegmentMove> moveRows = new ArrayList<>();
        List<SegmentChangeEvent> events = new ArrayList<>();
        Map<Long, Long> sizeDeltas = new HashMap<>();
        List<UserWrite> users = new ArrayList<>(b.plan().outcomes().size());
        Map<String, float[]> sample = new LinkedHashMap<>();
        for (UserOutcome o : b.plan().outcomes()) {
            if (o.profile() == null || !o.profileChanged()) {
                continue;
            }
            users.add(new UserWrite(o.userId(), fields(o, model)));
            sample.put(o.userId(), o.profile().vector());
            if (o.segmentChanged()) {
                Instant at = Instant.ofEpochMilli(o.sinceMillis());
                String reason = o.decision().reason().name().toLowerCase();
                double sim = o.decision().similarity();
                moveRows.add(new SegmentMove(o.userId(), o.fromSegment(), o.segmentId(), at, model.version(),
                        1 - sim, o.decision().margin(), reason));
                if (o.fromSegment() != null) {
                    sizeDeltas.merge(o.fromSegment(), -1L, Long::sum);
                    events.add(new SegmentChangeEvent(SegmentChangeEvent.Kind.EXITED, o.fromSegment(), o.userId(),
                            o.segmentId(), at, model.version(), reason, sim, o.decision().margin()));
                }
                sizeDeltas.merge(o.segmentId(), 1L, Long::sum);
                events.add(new SegmentChangeEvent(SegmentChangeEvent.Kind.ENTERED, o.segmentId(), o.userId(),
                        o.fromSegment(), at, model.version(), reason, sim, o.decision().margin()));
            }
        }
        Plan p = b.plan();
        BatchWrite write = new BatchWrite(b.batchId(), b.decay(), model, p.counts(), p.sums(), p.sumSquares(), users,
                sizeDeltas, sample, b.recentTexts(), config.sampleSize(), 24 * 3600);
        Uni<Boolean> audit = moveRows.isEmpty() && b.lifecycle().isEmpty() ? Uni.createFrom().item(true)
                : history.record(b.batchId(), moveRows, b.lifecycle());
        return audit.chain(() -> store.apply(write)).map(applied -> {
            if (applied.stale()) {
                throw new IllegalStateException("the segment model changed shape while batch " + b.batchId()
                        + " was planned (" + applied.detail() + "); it will be planned again");
            }
            if (applied.applied()) {
                moves.increment(moveRows.size());
                suppressed.increment(p.suppressed());
                events.forEach(changes::sendAndForget);
            }
            return applied.version();
        });
    }

    private Map<String, byte[]> fields(UserOutcome o, StoredModel model) {
        Map<String, byte[]> f = new LinkedHashMap<>();
        f.put("v", VectorCodec.encode(o.profile().vector(), config.profileEncoding()));
        f.put("w", SegmentStore.utf8(o.profile().weight()));
        f.put("t", SegmentStore.utf8(o.profile().lastEventMillis()));
        if (o.decision() != null) {
            f.put("s", SegmentStore.utf8(o.segmentId()));
            f.put("since", SegmentStore.utf8(o.sinceMillis()));
            f.put("sim", SegmentStore.utf8(o.decision().similarity()));
            f.put("mg", SegmentStore.utf8(o.decision().margin()));
            if (o.segmentChanged()) {
                f.put("mv", SegmentStore.utf8(model.version()));
            }
            if (o.memberships() != null) {
                f.put("mem", SegmentStore.utf8(topMemberships(o.memberships(), model.ids(), 3)));
            }
        }
        return f;
    }

    static String topMemberships(double[] memberships, long[] ids, int n) {
        Integer[] order = new Integer[memberships.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(memberships[b], memberships[a]));
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(n, order.length); i++) {
            if (i > 0) {
                s.append(',');
            }
            s.append(ids[order[i]]).append(':').append(String.format(java.util.Locale.ROOT, "%.4f", memberships[order[i]]));
        }
        return s.toString();
    }

    /** A batch id from its events' ids: the same events give the same id, so a retry is recognised. */
    public static String batchId(List<BehaviorEvent> events) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (BehaviorEvent e : events) {
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
