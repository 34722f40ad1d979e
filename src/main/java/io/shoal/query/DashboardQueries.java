package io.shoal.query;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.shoal.audit.SegmentLifecycleEntity;
import io.shoal.audit.SegmentTrends;
import io.shoal.segmentation.KMeansState;
import io.shoal.segmentation.SegmentModel;
import io.shoal.store.SegmentStore;
import io.shoal.store.StoredUser;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/** The dashboard's reads: the segment map from Redis, sizes, flows and lineage from the audit trail. */
@ApplicationScoped
public class DashboardQueries {

    /** Sampled shoppers drawn on the map at most. */
    static final int MAP_SHOPPERS = 400;
    /** Time buckets of the sizes chart at most. */
    static final int MAX_BUCKETS = 200;
    /** Flows listed at most. */
    static final int MAX_FLOWS = 200;
    /** Lifecycle events on the timeline at most. */
    static final int MAX_LINEAGE = 500;

    private final SegmentStore store;
    private final SegmentTrends trends;
    private final SegmentDescriptions descriptions;

    public DashboardQueries(SegmentStore store, SegmentTrends trends, SegmentDescriptions descriptions) {
        this.store = store;
        this.trends = trends;
        this.descriptions = descriptions;
    }

    /** Centroids and up to {@value #MAP_SHOPPERS} sampled shoppers on the two principal axes. */
    public Uni<Dashboard.SegmentMap> map() {
        return Uni.combine().all().unis(store.model(), store.sample(), store.segmentSizes()).asTuple().chain(t -> {
            SegmentModel model = t.getItem1();
            if (model == null) {
                return Uni.createFrom().item(new Dashboard.SegmentMap(0, 0, 0, List.of(), List.of()));
            }
            // The first shoppers of the sample by id: the same ones on every call while the sample holds them.
            TreeMap<String, float[]> sample = new TreeMap<>();
            t.getItem2().forEach((u, v) -> {
                if (v.length == model.dimension()) {
                    sample.put(u, v);
                }
            });
            List<String> users = new ArrayList<>(sample.keySet()).subList(0, Math.min(MAP_SHOPPERS, sample.size()));
            Map<Long, Long> sizes = t.getItem3();
            return Uni.combine().all().unis(store.users(users), descriptions.fresh(model)).asTuple()
                    .emitOn(Infrastructure.getDefaultWorkerPool())
                    .map(r -> draw(model, users, sample, r.getItem1(), r.getItem2(), sizes));
        });
    }

    private Dashboard.SegmentMap draw(SegmentModel model, List<String> users, Map<String, float[]> sample,
            List<StoredUser> stored, SegmentDescriptions.Snapshot snapshot, Map<Long, Long> sizes) {
        KMeansState state = model.kmeans();
        float[][] points = new float[state.k() + users.size()][];
        for (int j = 0; j < state.k(); j++) {
            points[j] = state.centroid(j);
        }
        for (int i = 0; i < users.size(); i++) {
            points[state.k() + i] = sample.get(users.get(i));
        }
        Projection.Result p = Projection.pca2(points);
        List<Dashboard.MapSegment> segments = new ArrayList<>(state.k());
        for (int j = 0; j < state.k(); j++) {
            long id = state.segmentId(j);
            SegmentDescriber.Description d = snapshot.bySegment().get(id);
            segments.add(new Dashboard.MapSegment(id, snapshot.label(id), sizes.getOrDefault(id, 0L),
                    p.coordinates()[j][0], p.coordinates()[j][1],
                    d == null ? List.of() : d.nearestTexts().subList(0, Math.min(5, d.nearestTexts().size()))));
        }
        List<Dashboard.MapShopper> shoppers = new ArrayList<>(users.size());
        for (int i = 0; i < users.size(); i++) {
            StoredUser u = stored.get(i);
            double[] c = p.coordinates()[state.k() + i];
            shoppers.add(new Dashboard.MapShopper(users.get(i), u == null ? null : u.segmentId(), c[0], c[1]));
        }
        return new Dashboard.SegmentMap(model.version(), p.firstShare(), p.secondShare(), segments, shoppers);
    }

    /**
     * Members per segment at the end of each of {@code buckets} buckets over [from, to] (defaults: the audit
     * trail's span), counted as the entries minus the exits of every change up to the bucket's end.
     */
    public Uni<Dashboard.SegmentSizes> sizes(Instant from, Instant to, Integer buckets) {
        int n = buckets == null ? 40 : buckets;
        if (n < 1 || n > MAX_BUCKETS) {
            return Uni.createFrom().failure(new InvalidQueryException("buckets",
                    "buckets must be between 1 and " + MAX_BUCKETS + " but was " + n));
        }
        return window(from, to).chain(w -> {
            if (w == null) {
                return Uni.createFrom().item(new Dashboard.SegmentSizes(null, null, List.of(), List.of()));
            }
            return Uni.combine().all().unis(trends.sizesBefore(w[0]), trends.sizeChanges(w[0], w[1], n)).asTuple()
                    .map(r -> {
                        Map<Long, long[]> series = new TreeMap<>();
                        for (SegmentTrends.BucketCount b : r.getItem1()) {
                            long[] s = series.computeIfAbsent(b.segmentId(), k -> new long[n]);
                            for (int i = 0; i < n; i++) {
                                s[i] += b.entered();
                            }
                        }
                        for (SegmentTrends.BucketCount b : r.getItem2()) {
                            long[] s = series.computeIfAbsent(b.segmentId(), k -> new long[n]);
                            for (int i = b.bucket() - 1; i < n; i++) {
                                s[i] += b.entered() - b.exited();
                            }
                        }
                        long width = Math.max(1, Duration.between(w[0], w[1]).toMillis() / n);
                        List<Instant> ends = new ArrayList<>(n);
                        for (int i = 1; i <= n; i++) {
                            ends.add(i == n ? w[1] : w[0].plusMillis(width * i));
                        }
                        List<Dashboard.SizeSeries> out = new ArrayList<>();
                        series.forEach((id, s) -> {
                            List<Long> sizes = new ArrayList<>(n);
                            for (long v : s) {
                                sizes.add(Math.max(0, v));
                            }
                            out.add(new Dashboard.SizeSeries(id, descriptions.label(id, 0), sizes));
                        });
                        return new Dashboard.SegmentSizes(w[0], w[1], ends, out);
                    });
        });
    }

    /** Moves between segments within [from, to] (defaults: the audit trail's span). */
    public Uni<Dashboard.SegmentFlows> flows(Instant from, Instant to) {
        return window(from, to).chain(w -> w == null
                ? Uni.createFrom().item(new Dashboard.SegmentFlows(null, null, List.of()))
                : trends.flows(w[0], w[1], MAX_FLOWS).map(rows -> {
                    List<Dashboard.FlowRow> out = new ArrayList<>(rows.size());
                    for (SegmentTrends.Flow f : rows) {
                        out.add(new Dashboard.FlowRow(f.fromSegment(), descriptions.label(f.fromSegment(), 0),
                                f.toSegment(), descriptions.label(f.toSegment(), 0), f.shoppers()));
                    }
                    return new Dashboard.SegmentFlows(w[0], w[1], out);
                }));
    }

    /** The newest lifecycle events, oldest first. */
    public Uni<Dashboard.Lineage> lineage() {
        return trends.lifecycle(MAX_LINEAGE).map(rows -> {
            List<Dashboard.LineageEvent> out = new ArrayList<>(rows.size());
            Map<Long, String> labels = new HashMap<>();
            for (SegmentLifecycleEntity e : rows) {
                out.add(new Dashboard.LineageEvent(e.segmentId,
                        labels.computeIfAbsent(e.segmentId, id -> descriptions.label(id, 0)), e.kind,
                        e.otherSegmentId, e.occurredAt, e.weight, e.modelVersion == null ? 0 : e.modelVersion));
            }
            return new Dashboard.Lineage(out);
        });
    }

    /** [from, to] with the audit trail's span filling what is missing; null when there is nothing to show. */
    private Uni<Instant[]> window(Instant from, Instant to) {
        if (from != null && to != null) {
            if (!to.isAfter(from)) {
                return Uni.createFrom().failure(new InvalidQueryException("to",
                        "to must be after from but was " + to + " (from " + from + ")"));
            }
            return Uni.createFrom().item(new Instant[] { from, to });
        }
        return trends.span().map(s -> {
            if (s.first() == null) {
                return null;
            }
            Instant f = from != null ? from : s.first();
            Instant e = to != null ? to : s.last();
            if (!e.isAfter(f)) {
                e = f.plusSeconds(1);
            }
            return new Instant[] { f, e };
        });
    }
}
