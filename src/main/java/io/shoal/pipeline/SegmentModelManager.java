package io.shoal.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.shoal.audit.HistoryRepository;
import io.shoal.audit.ModelSnapshotRepository;
import io.shoal.audit.ModelVersionEntity;
import io.shoal.audit.SegmentLifecycleEntity;
import io.shoal.config.SegmentationConfig;
import io.shoal.segmentation.GmmState;
import io.shoal.segmentation.KMeansSeeder;
import io.shoal.segmentation.KMeansState;
import io.shoal.segmentation.SegmentBatchPlanner;
import io.shoal.segmentation.SegmentBatchPlanner.Algorithm;
import io.shoal.segmentation.SegmentBatchPlanner.Model;
import io.shoal.segmentation.SegmentBatchPlanner.UserState;
import io.shoal.segmentation.SegmentLifecycleEvent;
import io.shoal.segmentation.SegmentRescue;
import io.shoal.segmentation.SegmentationParams;
import io.shoal.store.SegmentStore;
import io.shoal.store.StoredModel;
import io.shoal.store.StoredModelCodec;
import io.shoal.store.StoredUser;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Vertx;

/**
 * The model's life outside the per-batch update: seeding once enough profiles exist (k-means++ with many
 * restarts, then every sampled user is assigned), periodic maintenance (rescue of dying segments by splitting,
 * refinement by Lloyd iterations on the profile sample), snapshots to PostgreSQL, and restore from the latest
 * snapshot when Redis is empty. One process at a time does each, under a Redis lease.
 */
@ApplicationScoped
public class SegmentModelManager {

    /** How far the model may have advanced between reading it and writing the maintained one (see maintain()). */
    static final long MAINTENANCE_MAX_LAG = 1_000;
    private static final long LEASE_MILLIS = 60_000;

    private final SegmentStore store;
    private final HistoryRepository history;
    private final ModelSnapshotRepository snapshots;
    private final SegmentWriter writer;
    private final SegmentationConfig config;
    private final SegmentationParams params;
    private final SegmentBatchPlanner planner;
    private final ObjectMapper mapper;
    private final Vertx vertx;
    private final String owner = UUID.randomUUID().toString();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicBoolean maintaining = new AtomicBoolean();
    private final AtomicLong lastSnapshotVersion = new AtomicLong(-1);
    private final Counter retired;

    public SegmentModelManager(SegmentStore store, HistoryRepository history, ModelSnapshotRepository snapshots,
            SegmentWriter writer, SegmentationConfig config, ObjectMapper mapper, Vertx vertx, MeterRegistry registry) {
        this.store = store;
        this.history = history;
        this.snapshots = snapshots;
        this.writer = writer;
        this.config = config;
        this.params = params(config);
        this.planner = new SegmentBatchPlanner(params.profileUpdater(), params.assignmentPolicy(), params.gmm());
        this.mapper = mapper;
        this.vertx = vertx;
        this.retired = Counter.builder("shoal.segmentation.segments.retired")
                .description("Segments retired and re-seeded by a split").register(registry);
    }

    /** Validated parameters of the math; a bad value stops the start with a message naming it. */
    static SegmentationParams params(SegmentationConfig c) {
        return new SegmentationParams(c.k(), c.decayHalfLife(), c.decayUnit(), c.deadFraction(), c.margin(),
                c.minDwell().toMillis(), c.profileHalfLife().toMillis(), 0.01, c.gmmVarFloor(), c.seedingRestarts(),
                c.lloydIterations());
    }

    public SegmentationParams params() {
        return params;
    }

    public SegmentBatchPlanner planner() {
        return planner;
    }

    public int bootstrapProfiles() {
        return config.bootstrapProfiles() > 0 ? config.bootstrapProfiles() : 10 * config.k();
    }

    /** The planner's view of a stored model. */
    public static Model view(StoredModel m) {
        if (m == null) {
            return null;
        }
        return new Model(m.algorithm(), m.kmeans(), m.algorithm() == Algorithm.GMM ? m.gmm() : null);
    }

    // ---- restore and snapshots

    void restore(@Observes StartupEvent ignored) {
        if (!config.enabled()) {
            return;
        }
        restoreNow();
        long period = Math.max(1000, config.snapshotInterval().toMillis());
        vertx.setPeriodic(period, id -> snapshot().subscribe().with(v -> {
        }, f -> Log.warnf("Model snapshot failed: %s", f.toString())));
    }

    /** Restores the latest snapshot into Redis if Redis holds no model (at start, or after Redis lost its data). */
    public void restoreNow() {
        StoredModel restored = store.model().chain(current -> {
            if (current != null) {
                lastSnapshotVersion.set(current.version());
                return Uni.createFrom().nullItem();
            }
            return snapshots.latest().chain(snapshot -> {
                if (snapshot == null) {
                    return Uni.createFrom().nullItem();
                }
                StoredModel model = StoredModelCodec.read(snapshot.centroids);
                return store.replaceModel(model, null, snapshot.params, true).map(v -> v > 0 ? model : null);
            });
        }).await().atMost(Duration.ofSeconds(30));
        if (restored != null) {
            Log.infof("Restored the segment model version %d (k=%d) from PostgreSQL", restored.version(),
                    restored.k());
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
            return mapper.writeValueAsString(Map.of("k", params.k(), "algorithm", config.algorithm(),
                    "decayHalfLife", params.decayHalfLife(), "decayUnit", params.decayUnit(),
                    "margin", params.assignmentMargin(), "minDwellMillis", params.minDwellMillis(),
                    "profileHalfLifeMillis", params.profileHalfLifeMillis(), "deadFraction", params.deadFraction(),
                    "seedingRestarts", params.seedingRestarts()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- seeding

    /**
     * Seeds the model if there is none and the sample holds enough profiles, then assigns every sampled user.
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
            return store.sample().chain(sample -> {
                if (sample.size() < bootstrapProfiles()) {
                    return Uni.createFrom().item(false);
                }
                List<String> users = new ArrayList<>(sample.keySet());
                List<float[]> vectors = new ArrayList<>(sample.values());
                return Uni.createFrom().item(() -> seedModel(vectors))
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                        .chain(model -> store.replaceModel(model, null, paramsJson(), false).chain(version -> {
                            if (version < 0) {
                                return Uni.createFrom().item(false);
                            }
                            Log.infof("Seeded %d segments on %d profiles (%d restarts), model version %d",
                                    model.k(), vectors.size(), params.seedingRestarts(), version);
                            List<SegmentLifecycleEntity> created = new ArrayList<>();
                            for (long id : model.ids()) {
                                created.add(SegmentWriter.lifecycleRow("created", id, null, 0, version));
                            }
                            return assignAll(users, "seed-" + owner + "-" + version, created).replaceWith(true);
                        }));
            });
        });
    }

    private StoredModel seedModel(List<float[]> sample) {
        KMeansSeeder.SeedResult seeded = params.seeder().seed(sample, params.k(), config.randomSeed());
        KMeansState state = seeded.state();
        long now = System.currentTimeMillis();
        long[] created = new long[state.k()];
        Arrays.fill(created, now);
        if (config.algorithm() == Algorithm.GMM) {
            GmmState gmm = params.gmm().initial(state, sample);
            return StoredModel.fromGmm(gmm, state.segmentIds(), state.nextSegmentId(), created);
        }
        return StoredModel.fromKMeans(Algorithm.KMEANS, state, created, null);
    }

    /** Decides a segment for every given user against the current model (no profile change, no model update). */
    Uni<Void> assignAll(List<String> users, String batchId, List<SegmentLifecycleEntity> lifecycle) {
        return store.model().chain(model -> store.users(users).chain(states -> {
            Map<String, UserState> known = new HashMap<>();
            Map<String, StoredUser> before = new HashMap<>();
            for (int i = 0; i < users.size(); i++) {
                StoredUser s = states.get(i);
                if (s != null) {
                    known.put(users.get(i), new UserState(s.profile(), s.segmentId(), s.sinceMillis()));
                    before.put(users.get(i), s);
                }
            }
            SegmentBatchPlanner.Plan plan = planner.plan(view(model), known, List.of(), users);
            // No member sums: reassessed users are already in the data the model was built from.
            SegmentBatchPlanner.Plan decisionsOnly = new SegmentBatchPlanner.Plan(plan.outcomes(),
                    new double[model.k()], new double[model.k()][model.dimension()],
                    model.algorithm() == Algorithm.GMM ? new double[model.k()][model.dimension()] : null, 0,
                    plan.suppressed());
            return writer.write(new SegmentWriter.PlannedBatch(batchId, model, decisionsOnly, 1.0, Map.of(),
                    lifecycle, before)).replaceWithVoid();
        }));
    }

    // ---- maintenance

    /** Counts batches and, every {@code maintenanceEveryBatches}, starts maintenance in the background. */
    public void afterBatch() {
        if (batches.incrementAndGet() % Math.max(1, config.maintenanceEveryBatches()) == 0) {
            maintain().subscribe().with(v -> {
            }, f -> Log.warnf("Model maintenance failed: %s", f.toString()));
        }
    }

    /**
     * Rescues dead segments and refines the centroids on the profile sample (k-means only).
     * <p>
     * Refinement recomputes the centroids from the users' current profiles, which already contain the batches that
     * were applied while it ran; so the maintained model replaces the stored one even if up to
     * {@value #MAINTENANCE_MAX_LAG} batch updates landed in between (their users are in the sample), but never
     * if the segment ids changed meanwhile.
     */
    public Uni<Void> maintain() {
        if (!maintaining.compareAndSet(false, true)) {
            return Uni.createFrom().voidItem();
        }
        return store.tryLock("model", owner, LEASE_MILLIS).chain(locked -> {
            if (!locked) {
                return Uni.createFrom().voidItem();
            }
            return maintainLocked().eventually(() -> store.unlock("model", owner));
        }).eventually(() -> maintaining.set(false));
    }

    private Uni<Void> maintainLocked() {
        return store.model().chain(model -> {
            if (model == null || model.algorithm() != Algorithm.KMEANS) {
                return Uni.createFrom().voidItem();
            }
            return store.sample().chain(sample -> Uni.createFrom()
                    .item(() -> maintained(model, new ArrayList<>(sample.values())))
                    .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                    .chain(result -> commitMaintenance(model, result, new ArrayList<>(sample.keySet()))));
        });
    }

    private record Maintained(StoredModel model, List<SegmentLifecycleEvent> events) {
    }

    private Maintained maintained(StoredModel model, List<float[]> sample) {
        KMeansState state = model.kmeans();
        SegmentRescue.RescueResult rescued = params.rescue().rescue(state, sample);
        KMeansState next = KMeansSeeder.refine(rescued.state(), sample, params.lloydIterations()).state();
        long[] created = model.createdMillis().clone();
        long now = System.currentTimeMillis();
        for (int j = 0; j < next.k(); j++) {
            if (next.segmentId(j) != model.ids()[j]) {
                created[j] = now;
            }
        }
        return new Maintained(StoredModel.fromKMeans(Algorithm.KMEANS, next, created, null), rescued.events());
    }

    /**
     * Writes the maintained model; when segments were retired, the sampled shoppers are decided again at once, so
     * that members of a retired segment do not keep its id until their next event (measured to cost quality).
     */
    private Uni<Void> commitMaintenance(StoredModel base, Maintained result, List<String> sampledUsers) {
        return store.model().chain(current -> {
            if (current == null || !Arrays.equals(current.ids(), base.ids())
                    || current.version() - base.version() > MAINTENANCE_MAX_LAG) {
                return Uni.createFrom().voidItem();
            }
            return store.replaceModel(result.model(), current.version(), paramsJson(), false).chain(version -> {
                if (version < 0 || result.events().isEmpty()) {
                    return Uni.createFrom().voidItem();
                }
                List<SegmentLifecycleEntity> rows = new ArrayList<>();
                for (SegmentLifecycleEvent e : result.events()) {
                    rows.add(SegmentWriter.lifecycleRow(e.kind().name().toLowerCase(), e.segmentId(),
                            e.otherSegmentId() < 0 ? null : e.otherSegmentId(), e.weight(), version));
                    if (e.kind() == SegmentLifecycleEvent.Kind.RETIRED) {
                        retired.increment();
                        Log.infof("Segment %d retired (weight %.2f) and its slot re-seeded", e.segmentId(), e.weight());
                    }
                }
                return history.recordLifecycle(rows)
                        .chain(() -> assignAll(sampledUsers, "maintain-" + owner + "-" + version, List.of()));
            });
        });
    }
}
