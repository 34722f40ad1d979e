package io.shoal.query;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.logging.Log;
import io.shoal.segmentation.KMeansState;
import io.shoal.store.SegmentStore;
import io.shoal.segmentation.SegmentModel;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Segment descriptions and labels, computed from the model and the recent-texts sample and reused for a while.
 * <p>
 * The model version moves on every micro-batch, so keying the cache by exact version would recompute all the time
 * while centroids barely move. A snapshot is reused until it is older than {@code shoal.query.description-ttl} or
 * the newest model version seen by reads is more than {@code shoal.query.description-max-version-lag} ahead of
 * it. Per-user reads never wait for a recomputation (they keep the one Redis round trip): they use the snapshot
 * there is and start a refresh in the background; ListSegments waits for a fresh one.
 */
@ApplicationScoped
public class SegmentDescriptions {

    /** Descriptions computed under one model version, and the names people gave segments. */
    record Snapshot(long modelVersion, long takenNanos, Map<Long, SegmentDescriber.Description> bySegment,
            Map<Long, String> names) {

        /** The name a person gave the segment, else the derived label, else "segment {id}". */
        String label(long segmentId) {
            String name = names.get(segmentId);
            if (name != null) {
                return name;
            }
            SegmentDescriber.Description d = bySegment.get(segmentId);
            return d == null ? "segment " + segmentId : d.label();
        }

        Snapshot withName(long segmentId, String name) {
            Map<Long, String> n = new java.util.HashMap<>(names);
            if (name == null) {
                n.remove(segmentId);
            } else {
                n.put(segmentId, name);
            }
            return new Snapshot(modelVersion, takenNanos, bySegment, Map.copyOf(n));
        }
    }

    private static final Snapshot EMPTY = new Snapshot(-1, Long.MIN_VALUE / 2, Map.of(), Map.of());

    private final SegmentStore store;
    private final QueryConfig config;
    private final AtomicReference<Snapshot> current = new AtomicReference<>(EMPTY);
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private final AtomicLong newestVersionSeen = new AtomicLong(-1);

    public SegmentDescriptions(SegmentStore store, QueryConfig config) {
        this.store = store;
        this.config = config;
    }

    /** The label of a segment from the snapshot at hand ("segment {id}" until one exists); never waits. */
    public String label(long segmentId, long modelVersionSeen) {
        newestVersionSeen.accumulateAndGet(modelVersionSeen, Math::max);
        Snapshot s = current.get();
        if (stale(s)) {
            refreshInBackground();
        }
        return s.label(segmentId);
    }

    /**
     * Names a segment (null: back to the derived label). This instance answers with the name at once; other
     * instances at their next refresh (within {@code shoal.query.description-ttl}).
     */
    public Uni<Void> name(long segmentId, String name) {
        return store.nameSegment(segmentId, name)
                .invoke(() -> current.updateAndGet(s -> s.withName(segmentId, name)));
    }

    /** Descriptions no older than the limits, computed on the given model when the snapshot at hand is stale. */
    Uni<Snapshot> fresh(SegmentModel model) {
        newestVersionSeen.accumulateAndGet(model.version(), Math::max);
        Snapshot s = current.get();
        return stale(s) ? compute(model) : Uni.createFrom().item(s);
    }

    private boolean stale(Snapshot s) {
        return System.nanoTime() - s.takenNanos() > config.descriptionTtl().toNanos()
                || newestVersionSeen.get() - s.modelVersion() > config.descriptionMaxVersionLag();
    }

    private void refreshInBackground() {
        if (!refreshing.compareAndSet(false, true)) {
            return;
        }
        store.model().chain(m -> m == null ? Uni.createFrom().item(this::noModel) : compute(m))
                .onTermination().invoke(() -> refreshing.set(false))
                .subscribe().with(ignored -> {
                }, f -> Log.warnf(f, "Could not refresh segment descriptions"));
    }

    /** Nothing to describe yet: remember that for a TTL, rather than asking Redis again on every read. */
    private Snapshot noModel() {
        Snapshot s = new Snapshot(newestVersionSeen.get(), System.nanoTime(), Map.of(), Map.of());
        current.set(s);
        return s;
    }

    private Uni<Snapshot> compute(SegmentModel model) {
        return Uni.combine().all().unis(store.recentTexts(), store.segmentNames()).asTuple()
                // Cosine similarity of every sampled text to every centroid: CPU work, off the event loop.
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(t -> {
                    Map<String, float[]> texts = t.getItem1();
                    KMeansState state = model.kmeans();
                    float[][] centroids = new float[state.k()][];
                    for (int j = 0; j < state.k(); j++) {
                        centroids[j] = state.centroid(j);
                    }
                    Snapshot s = new Snapshot(model.version(), System.nanoTime(), SegmentDescriber.describe(
                            model.ids(), centroids, texts, config.descriptionTexts(), config.labelWords()),
                            Map.copyOf(t.getItem2()));
                    current.accumulateAndGet(s, (old, now) -> now.modelVersion() >= old.modelVersion() ? now : old);
                    return s;
                });
    }
}
