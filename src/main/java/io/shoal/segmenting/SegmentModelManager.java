package io.shoal.segmenting;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.shoal.audit.HistoryRepository;
import io.shoal.audit.ModelSnapshotRepository;
import io.shoal.audit.ModelVersionEntity;
import io.shoal.audit.SegmentLifecycleEntity;
import io.shoal.config.SegmentationConfig;
import io.shoal.event.SegmentChangeEvent;
import io.shoal.segmentation.RefitPolicy;
import io.shoal.segmentation.SamplePolicy;
import io.shoal.segmentation.SegmentLifecycleEvent;
import io.shoal.segmentation.SegmentLineage;
import io.shoal.segmentation.SegmentModel;
import io.shoal.segmentation.SegmentRefit;
import io.shoal.segmentation.SegmentationEngine;
import io.shoal.segmentation.SegmentationParams;
import io.shoal.store.SegmentStore;
import io.shoal.store.StoredModelCodec;
import io.shoal.store.StoredUser;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Vertx;

/**
 * The service's driver of the model's life around the per-batch update, all decided by the
 * {@link SegmentationEngine}: seeding once enough profiles exist, refits and rescues when the engine says they are
 * due (growth, age, drift checks: {@link RefitPolicy}), each swapped in atomically with a generation bump and
 * followed by a sweep that re-decides every shopper ({@link SegmentSweeper}); snapshots to PostgreSQL and restore
 * from the latest one when Redis is empty. One process at a time seeds or maintains, under a Redis lease; the math
 * runs on a worker thread, never on the event loop, and batches keep flowing meanwhile (a batch planned on the old
 * generation is refused by the Redis script and planned again).
 */
@ApplicationScoped
public class SegmentModelManager {

    private static final long LEASE_MILLIS = 60_000;

    private final SegmentStore store;
    private final io.shoal.store.SeedStore seeds;
    private final HistoryRepository history;
    private final ModelSnapshotRepository snapshots;
    private final SegmentSweeper sweeper;
    private final SegmentWriter writer;
    private final SegmentationConfig config;
    private final SegmentationParams params;
    private final SegmentationEngine engine;
    private final ObjectMapper mapper;
    private final Vertx vertx;
    private final String owner = UUID.randomUUID().toString();
    private final AtomicLong pointsSinceCheck = new AtomicLong();
    private final AtomicBoolean maintaining = new AtomicBoolean();
    private final AtomicLong generation = new AtomicLong();
    private final AtomicLong lastSwap = new AtomicLong();
    private final Counter maintenanceFailures;
    private final AtomicLong lastSnapshotVersion = new AtomicLong(-1);
    private final Counter retired;
    private final MeterRegistry registry;
    private final Timer refitTimer;

    public SegmentModelManager(SegmentStore store, io.shoal.store.SeedStore seeds, HistoryRepository history,
            ModelSnapshotRepository snapshots, SegmentSweeper sweeper, SegmentWriter writer, SegmentationEngine engine,
            SegmentationConfig config, ObjectMapper mapper, Vertx vertx, MeterRegistry registry) {
        this.seeds = seeds;
        this.writer = writer;
        this.store = store;
        this.history = history;
        this.snapshots = snapshots;
        this.sweeper = sweeper;
        this.config = config;
        this.engine = engine;
        this.params = engine.params();
        this.mapper = mapper;
        this.vertx = vertx;
        this.registry = registry;
        this.retired = Counter.builder("shoal.segmentation.segments.retired")
                .description("Segments retired and re-seeded by a rescue").register(registry);
        this.refitTimer = Timer.builder("shoal.segmentation.refit.latency")
                .description("Time to compute a seed, refit or drift check on the profile sample")
                .publishPercentiles(0.5, 0.99).register(registry);
        this.maintenanceFailures = Counter.builder("shoal.segmentation.refit.failures")
                .description("Seeds, refits or drift checks that failed (retried at the next trigger)")
                .register(registry);
        Gauge.builder("shoal.segmentation.refit.running", maintaining,
                m -> m.get() ? 1 : 0).description("1 while this process computes a seed, refit or drift check")
                .register(registry);
        Gauge.builder("shoal.segmentation.model.generation", generation,
                AtomicLong::get).description("Generation of the last model this process swapped in or restored")
                .register(registry);
        Gauge.builder("shoal.segmentation.last.swap", lastSwap,
                t -> t.get() / 1000.0).baseUnit("seconds")
                .description("Unix time of the last model swap (seed, refit, rescue) by this process; 0: none yet")
                .register(registry);
    }

    public SegmentationParams params() {
        return params;
    }

    public SegmentationEngine engine() {
        return engine;
    }

    /** Whether no maintenance and no sweep is running in this process (for tests and the demo's wait). */
    public boolean idle() {
        return !maintaining.get() && sweeper.idle();
    }

    // ---- restore and snapshots

    void restore(@Observes StartupEvent ignored) {
        if (!config.enabled()) {
            return;
        }
        restoreNow();
        long period = Math.max(1000, config.snapshotInterval().toMillis());
        vertx.setPeriodic(period, id -> {
            snapshot().subscribe().with(v -> {
            }, f -> Log.warnf("Model snapshot failed: %s", f.toString()));
            // A sweep left unfinished by a process that died is taken over once its lease expired.
            sweeper.resumeIfUnfinished();
        });
        sweeper.resumeIfUnfinished();
    }

    /** Restores the latest snapshot into Redis if Redis holds no model (at start, or after Redis lost its data). */
    public void restoreNow() {
        SegmentModel restored = store.model().chain(current -> {
            if (current != null) {
                lastSnapshotVersion.set(current.version());
                generation.set(current.generation());
                return Uni.createFrom().nullItem();
            }
            return snapshots.latest().chain(snapshot -> {
                if (snapshot == null) {
                    return Uni.createFrom().nullItem();
                }
                SegmentModel model = StoredModelCodec.read(snapshot.centroids);
                return store.replaceModel(model, null, snapshot.params, true).map(v -> v > 0 ? model : null);
            });
        }).await().atMost(Duration.ofSeconds(30));
        if (restored != null) {
            Log.infof("Restored the segment model version %d (k=%d, generation %d) from PostgreSQL",
                    restored.version(), restored.k(), restored.generation());
        }
    }

    void snapshotOnShutdown(@Observes @Priority(20) ShutdownEvent ignored) {
        if (!config.enabled()) {
            return;
        }
        try {
            snapshot().await().atMost(Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            Log.warnf("Model snapshot on shutdown failed: %s", e.toString());
        }
    }

    /** Saves the model to PostgreSQL if it changed since the last snapshot. */
    public Uni<Void> snapshot() {
        return store.model().chain(m -> {
            if (m == null || m.version() == lastSnapshotVersion.get()) {
                return Uni.createFrom().voidItem();
            }
            ModelVersionEntity e = new ModelVersionEntity();
            e.version = m.version();
            e.createdAt = Instant.now();
            e.algorithm = m.algorithm().name().toLowerCase();
            e.params = paramsJson();
            e.centroids = StoredModelCodec.write(m);
            return snapshots.save(e).invoke(() -> lastSnapshotVersion.set(m.version()));
        });
    }

    String paramsJson() {
        try {
            return mapper.writeValueAsString(params);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- seeding

    /**
     * Seeds the model if there is none and the sample holds enough profiles; every shopper is then decided by the
     * sweep.
     *
     * @return whether this call seeded the model
     */
    public Uni<Boolean> seedIfNeeded() {
        return store.tryLock("model", owner, LEASE_MILLIS).chain(locked -> {
            if (!locked) {
                return Uni.createFrom().item(false);
            }
            return seedLocked().eventually(() -> store.unlock("model", owner));
        });
    }

    private Uni<Boolean> seedLocked() {
        return store.model().chain(existing -> {
            if (existing != null) {
                return Uni.createFrom().item(false);
            }
            return sample().chain(sample -> {
                if (!engine.readyToSeed(sample.size())) {
                    return Uni.createFrom().item(false);
                }
                return store.profiled().chain(profiled -> compute(() -> engine.seed(sample, profiled,
                        System.currentTimeMillis())))
                        .chain(swap -> commit(null, swap).map(version -> {
                            if (version > 0) {
                                Log.infof("Seeded %d segments on %d profiles (%d restarts), model version %d",
                                        swap.model().k(), sample.size(), params.seedingRestarts(), version);
                            }
                            return version > 0;
                        }));
            });
        });
    }

    // ---- maintenance: refits, drift checks, rescue

    /**
     * Called after every applied batch with the model it was planned on: counts the folded profiles and, when the
     * engine says a refit or check is due, runs it in the background.
     */
    public void afterBatch(SegmentModel plannedOn, long profiled, int members) {
        if (plannedOn == null) {
            return;
        }
        long points = pointsSinceCheck.addAndGet(members);
        RefitPolicy.Trigger due = engine.due(plannedOn, profiled, points, System.currentTimeMillis());
        if (due != RefitPolicy.Trigger.NONE) {
            maintain(due).subscribe().with(v -> {
            }, f -> {
                maintenanceFailures.increment();
                Log.warnf("Model maintenance failed: %s", f.toString());
            });
        }
    }

    /**
     * An operator's refit ({@code POST /v1/model/refit}), in the background under the model lease; the swap, its
     * lineage and the sweep follow as for any refit ({@code shoal_segmentation_swaps_total{trigger="manual"}}).
     *
     * @return false when a seed, refit or check is already running in this process (nothing new is started)
     */
    public boolean refitNow() {
        if (maintaining.get()) {
            return false;
        }
        maintain(RefitPolicy.Trigger.MANUAL).subscribe().with(v -> {
        }, f -> {
            maintenanceFailures.increment();
            Log.warnf("Requested refit failed: %s", f.toString());
        });
        return true;
    }

    /** Runs what {@code trigger} calls for (see {@link SegmentRefit#maintain}), under the lease. */
    public Uni<Void> maintain(RefitPolicy.Trigger trigger) {
        if (!maintaining.compareAndSet(false, true)) {
            return Uni.createFrom().voidItem();
        }
        pointsSinceCheck.set(0);
        return store.tryLock("model", owner, LEASE_MILLIS).chain(locked -> {
            if (!locked) {
                return Uni.createFrom().voidItem();
            }
            return maintainLocked(trigger).eventually(() -> store.unlock("model", owner));
        }).eventually(() -> maintaining.set(false));
    }

    private Uni<Void> maintainLocked(RefitPolicy.Trigger trigger) {
        return store.model().chain(model -> {
            if (model == null) {
                return Uni.createFrom().voidItem();
            }
            return Uni.combine().all().unis(sample(), store.profiled(), seeds.all()).asTuple().chain(t -> {
                SegmentRefit.Sample sample = t.getItem1();
                long profiled = t.getItem2();
                java.util.Map<Long, float[]> seeded = io.shoal.store.SeedStore.directions(t.getItem3());
                // The trigger is re-checked on the model as stored now: another process may have refit meanwhile.
                RefitPolicy.Trigger now = trigger == RefitPolicy.Trigger.CHECK || trigger == RefitPolicy.Trigger.MANUAL
                        ? trigger
                        : engine.due(model, profiled, Long.MAX_VALUE, System.currentTimeMillis());
                return compute(() -> engine.maintain(model, sample, profiled, now, System.currentTimeMillis(),
                        seeded))
                        .chain(swap -> swap.isPresent() ? commit(model.generation(), swap.get()).replaceWithVoid()
                                : Uni.createFrom().voidItem());
            });
        });
    }

    /** Why a seeded segment could not be added; {@code retry} when another swap won the race (try again). */
    public static final class SeedingRefused extends RuntimeException {
        private final boolean retry;

        public SeedingRefused(String message, boolean retry) {
            super(message);
            this.retry = retry;
        }

        public boolean retry() {
            return retry;
        }
    }

    /**
     * Adds a segment seeded from examples ({@link SegmentRefit#addSeeded}): under the model lease, swapped in with a
     * generation bump and followed by the sweep; the seed (label, examples, their vectors) is saved once the swap is
     * in, so refits hold the segment at its examples from then on.
     *
     * @param direction the examples' unit mean
     * @return the new segment's id; fails with {@link SeedingRefused} when there is no model yet, the lease is held
     *         by a running refit, or the model changed meanwhile
     */
    public Uni<Long> addSeededSegment(float[] direction, String label, List<String> texts, List<String> userIds,
            List<float[]> vectors) {
        if (!maintaining.compareAndSet(false, true)) {
            return Uni.createFrom().failure(new SeedingRefused("a refit is running in this process", true));
        }
        return store.tryLock("model", owner, LEASE_MILLIS).chain(locked -> {
            if (!locked) {
                return Uni.createFrom().<Long>failure(new SeedingRefused("another process holds the model lease",
                        true));
            }
            return store.model().chain(model -> {
                if (model == null) {
                    return Uni.createFrom().<Long>failure(new SeedingRefused("there is no model yet: segments are "
                            + "seeded from examples once the learned ones exist", false));
                }
                long now = System.currentTimeMillis();
                return sample().chain(sample -> compute(() -> engine.addSeeded(model, direction, sample, now)))
                        .chain(swap -> commit(model.generation(), swap).chain(version -> {
                            if (version < 0) {
                                return Uni.createFrom().<Long>failure(new SeedingRefused("the model changed "
                                        + "meanwhile", true));
                            }
                            long id = swap.model().ids()[swap.model().k() - 1];
                            Log.infof("Seeded segment %d '%s' from %d examples, model version %d", id, label,
                                    vectors.size(), version);
                            return seeds.save(new io.shoal.store.SeedStore.StoredSeed(id, label, texts, userIds,
                                    now, vectors)).replaceWith(id);
                        }));
            }).eventually(() -> store.unlock("model", owner));
        }).eventually(() -> maintaining.set(false));
    }

    /** Swaps the model in (CAS on the generation), records its lifecycle, starts the sweep. @return the version */
    private Uni<Long> commit(Long expectedGeneration, SegmentRefit.Swap swap) {
        return store.replaceModel(swap.model(), expectedGeneration, paramsJson(), false).chain(version -> {
            if (version < 0) {
                return Uni.createFrom().item(version);
            }
            registry.counter("shoal.segmentation.swaps", "cause", swap.cause().reason(), "trigger",
                    swap.trigger().name().toLowerCase()).increment();
            generation.set(swap.model().generation());
            lastSwap.set(System.currentTimeMillis());
            if (swap.cause() != SegmentRefit.Cause.SEEDED) {
                Log.infof("Model %s (%s) to generation %d, version %d: cost on the sample %.2f -> %.2f%s; lineage %s",
                        swap.cause().reason(), swap.trigger().name().toLowerCase(), swap.model().generation(),
                        version, swap.liveCost(), swap.cost(), swap.fresh() ? " (fresh fit)" : "",
                        swap.lineage().stream().map(t -> t.kind().name().toLowerCase() + t.from() + "->" + t.to())
                                .toList());
            }
            List<SegmentLifecycleEntity> rows = lifecycleRows(swap, version);
            return history.recordLifecycle(rows)
                    .invoke(() -> {
                        writer.published(0, lineageEvents(rows, swap, version));
                        sweeper.start(swap.model().generation(), swap.cause());
                    })
                    .replaceWith(version);
        });
    }

    private List<SegmentLifecycleEntity> lifecycleRows(SegmentRefit.Swap swap, long version) {
        List<SegmentLifecycleEntity> rows = new ArrayList<>();
        SegmentModel m = swap.model();
        if (swap.cause() == SegmentRefit.Cause.SEEDED) {
            for (int j = 0; j < m.k(); j++) {
                rows.add(SegmentWriter.lifecycleRow("created", m.ids()[j], null, m.weights()[j], version));
            }
        }
        if (swap.cause() == SegmentRefit.Cause.SEEDED_SEGMENT) {
            rows.add(SegmentWriter.lifecycleRow("seeded", m.ids()[m.k() - 1], null, m.weights()[m.k() - 1], version));
        }
        for (SegmentLifecycleEvent e : swap.rescued()) {
            rows.add(SegmentWriter.lifecycleRow(e.kind().name().toLowerCase(), e.segmentId(),
                    e.otherSegmentId() < 0 ? null : e.otherSegmentId(), e.weight(), version));
            if (e.kind() == SegmentLifecycleEvent.Kind.RETIRED) {
                retired.increment();
            }
        }
        for (SegmentLineage.Transition t : swap.lineage()) {
            String kind = t.kind().name().toLowerCase();
            if (t.to().isEmpty()) {
                t.from().forEach(f -> rows.add(SegmentWriter.lifecycleRow(kind, f, null, 0, version)));
            } else if (t.from().isEmpty()) {
                t.to().forEach(to -> rows.add(SegmentWriter.lifecycleRow(kind, to, null, weight(m, to), version)));
            } else {
                for (Long from : t.from()) {
                    for (Long to : t.to()) {
                        rows.add(SegmentWriter.lifecycleRow(kind, to, from, weight(m, to), version));
                    }
                }
            }
        }
        return rows;
    }

    /** The refit's lineage rows as events on the segment-changes stream (seed and rescue rows are not lineage). */
    private static List<SegmentChangeEvent> lineageEvents(List<SegmentLifecycleEntity> rows, SegmentRefit.Swap swap,
            long version) {
        List<SegmentChangeEvent> events = new ArrayList<>();
        if (swap.lineage().isEmpty()) {
            return events;
        }
        Instant now = Instant.now();
        for (SegmentLifecycleEntity r : rows) {
            events.add(new SegmentChangeEvent(SegmentChangeEvent.Kind.LINEAGE, r.segmentId, null, r.otherSegmentId,
                    now, version, r.kind, Double.NaN, Double.NaN));
        }
        return events;
    }

    private static double weight(SegmentModel m, long id) {
        int slot = m.slotOf(id);
        return slot < 0 ? 0 : m.weights()[slot];
    }

    /** The profile sample with each sampled shopper's stored segment. */
    private Uni<SegmentRefit.Sample> sample() {
        return store.sample().chain(sample -> {
            List<String> ids = new ArrayList<>(sample.keySet());
            ids.sort(SamplePolicy.ORDER);
            return store.users(ids).map(users -> {
                List<float[]> vectors = new ArrayList<>(ids.size());
                List<Long> segments = new ArrayList<>(ids.size());
                for (int i = 0; i < ids.size(); i++) {
                    vectors.add(sample.get(ids.get(i)));
                    StoredUser u = users.get(i);
                    segments.add(u == null ? null : u.segmentId());
                }
                return new SegmentRefit.Sample(ids, vectors, segments);
            });
        });
    }

    private <T> Uni<T> compute(Supplier<T> work) {
        return Uni.createFrom().item(() -> {
            long start = System.nanoTime();
            try {
                return work.get();
            } finally {
                refitTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /** For tests: the sweeper this manager starts. */
    SegmentSweeper sweeper() {
        return sweeper;
    }
}
