package io.shoal.evaluation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Interest drift built from real data: at the stream's median event time a share of the users switch interests,
 * i.e. from then on each of their events carries, in turn, the items of another (non-switching) user's events. The
 * check replays the stream and, at evenly spaced checkpoints after the switch, compares the engine's segments with
 * batch k-means on the then-current profiles (the profiles do not depend on the segments, so one batch clustering
 * per checkpoint serves every engine).
 */
public final class DriftCheck {

    /** Quality is "back" when batchCost/onlineCost is at least this. */
    public static final double RECOVERED_RATIO = 0.98;

    /**
     * @param stream       the drifted stream
     * @param switchIndex  position of the first event at or after the switch time
     * @param switchers    users who switched
     * @param users        all users
     */
    public record Drifted(List<EvaluationEvent> stream, int switchIndex, int switchers, int users) {
    }

    /** Quality at one checkpoint. */
    public record Checkpoint(int eventsAfterSwitch, int users, double costRatio, double ariVsBatch) {
    }

    /**
     * @param checkpoints       quality at the switch (0 events after) and after it
     * @param minCostRatio      the lowest cost ratio after the switch
     * @param eventsToRecover   events after the switch until the first checkpoint, from the lowest one on, whose
     *                          cost ratio is ≥ {@value #RECOVERED_RATIO}: 0 when it never fell below; null when it
     *                          did not come back by the end of the stream
     */
    public record Result(List<Checkpoint> checkpoints, double minCostRatio, Integer eventsToRecover) {
    }

    private final BatchKMeans batch;
    private final int k;
    private final int checkpoints;
    private final Map<Integer, int[]> batchLabels = new HashMap<>();

    /** @param checkpoints number of evenly spaced checkpoints after the switch; ≥ 1 */
    public DriftCheck(BatchKMeans batch, int k, int checkpoints) {
        if (checkpoints < 1) {
            throw new IllegalArgumentException("checkpoints must be >= 1 but was " + checkpoints);
        }
        this.batch = batch;
        this.k = k;
        this.checkpoints = checkpoints;
    }

    /** Makes {@code fraction} of the users switch to another user's items at the median event time. */
    public static Drifted drift(List<EvaluationEvent> events, double fraction, long seed) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("fraction must be in (0, 1) but was " + fraction);
        }
        long switchMillis = events.get(events.size() / 2).eventMillis();
        List<String> users = new ArrayList<>(new LinkedHashSet<>(events.stream().map(EvaluationEvent::userId).toList()));
        Collections.sort(users);
        Collections.shuffle(users, new Random(seed));
        int switching = (int) Math.round(fraction * users.size());
        List<String> switchers = users.subList(0, switching);
        List<String> donors = users.subList(switching, users.size());
        Map<String, List<EvaluationEvent>> byUser = new HashMap<>();
        for (EvaluationEvent e : events) {
            byUser.computeIfAbsent(e.userId(), x -> new ArrayList<>()).add(e);
        }
        Random pick = new Random(seed + 1);
        Map<String, List<EvaluationEvent>> partnerEvents = new HashMap<>();
        for (String u : switchers) {
            partnerEvents.put(u, byUser.get(donors.get(pick.nextInt(donors.size()))));
        }
        Map<String, Integer> next = new HashMap<>();
        List<EvaluationEvent> out = new ArrayList<>(events.size());
        int switchIndex = -1;
        for (int i = 0; i < events.size(); i++) {
            EvaluationEvent e = events.get(i);
            if (e.eventMillis() >= switchMillis && switchIndex < 0) {
                switchIndex = i;
            }
            List<EvaluationEvent> partner = partnerEvents.get(e.userId());
            if (partner != null && e.eventMillis() >= switchMillis) {
                int n = next.merge(e.userId(), 1, Integer::sum) - 1;
                EvaluationEvent source = partner.get(n % partner.size());
                out.add(e.withItem(source.itemId(), source.text()));
            } else {
                out.add(e);
            }
        }
        return new Drifted(List.copyOf(out), switchIndex, switching, users.size());
    }

    /** Replays the drifted stream through an engine and scores it at the checkpoints. */
    public Result run(Drifted drifted, InMemoryDriver engine) {
        int after = drifted.stream().size() - drifted.switchIndex();
        int step = Math.max(1, after / checkpoints);
        List<Checkpoint> points = new ArrayList<>();
        InMemoryDriver.BatchObserver observer = new InMemoryDriver.BatchObserver() {
            private int nextAt = drifted.switchIndex();

            @Override
            public void beforeBatch(int from, List<EvaluationEvent> events, InMemoryDriver sim) {
                if (from + events.size() <= nextAt || sim.model() == null) {
                    return;
                }
                points.add(score(from - drifted.switchIndex(), SegmentQuality.Snapshot.of(sim)));
                while (nextAt < from + events.size()) {
                    nextAt += step;
                }
            }
        };
        engine.run(drifted.stream(), List.of(observer));
        points.add(score(after, SegmentQuality.Snapshot.of(engine)));
        return summarise(points);
    }

    private Checkpoint score(int eventsAfterSwitch, SegmentQuality.Snapshot snap) {
        int key = eventsAfterSwitch;
        int[] labels = batchLabels.get(key);
        if (labels == null || labels.length != snap.vectors().size()) {
            labels = batch.cluster(snap.vectors(), k);
            batchLabels.put(key, labels);
        }
        double cost = io.shoal.segmentation.ClusteringMetrics.withinClusterCost(snap.vectors(), snap.labels());
        double batchCost = io.shoal.segmentation.ClusteringMetrics.withinClusterCost(snap.vectors(), labels);
        return new Checkpoint(eventsAfterSwitch, snap.vectors().size(), SegmentQuality.costRatio(batchCost, cost),
                io.shoal.segmentation.ClusteringMetrics.adjustedRandIndex(labels, snap.labels()));
    }

    static Result summarise(List<Checkpoint> points) {
        int lowest = -1;
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < points.size(); i++) {
            if (points.get(i).eventsAfterSwitch() > 0 && points.get(i).costRatio() < min) {
                min = points.get(i).costRatio();
                lowest = i;
            }
        }
        if (lowest < 0) {
            return new Result(points, Double.NaN, null);
        }
        if (min >= RECOVERED_RATIO) {
            return new Result(points, min, 0);
        }
        for (int i = lowest; i < points.size(); i++) {
            if (points.get(i).costRatio() >= RECOVERED_RATIO) {
                return new Result(points, min, points.get(i).eventsAfterSwitch());
            }
        }
        return new Result(points, min, null);
    }
}
