package io.shoal.segmenting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.shoal.pipeline.InFlightLimiter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.shoal.audit.HistoryRepository;
import io.shoal.audit.SegmentChangeEntity;
import io.shoal.config.SegmentationConfig;
import io.shoal.evaluation.EngineSettings;
import io.shoal.evaluation.InMemoryDriver;
import io.shoal.event.EventType;
import io.shoal.event.SegmentChangeEvent;
import io.shoal.query.SegmentChangeBroadcaster;
import io.shoal.inference.EmbeddingService;
import io.shoal.inference.ModelText;
import io.shoal.segmentation.ClusteringMetrics;
import io.shoal.segmentation.KMeansState;
import io.shoal.segmentation.SegmentBatchPlanner.Algorithm;
import io.shoal.segmentation.SegmentBatchPlanner.PlannedEvent;
import io.shoal.segmentation.SegmentModel;
import io.shoal.segmentation.StreamingKMeans;
import io.shoal.segmentation.UserProfile;
import io.shoal.store.RedisKeys;
import io.shoal.store.SegmentStore;
import io.shoal.store.StoredUser;
import io.shoal.store.StoredUserCodec;
import io.shoal.testing.RedisCleaner;
import io.shoal.testing.RetailTexts;
import io.shoal.testing.ShoalTestResources;

/**
 * One engine, two drivers: a clear-structure stream (shoppers who each buy within one real product category,
 * interleaved) goes through the running service over HTTP (real Redis, PostgreSQL, model) and through the in-memory
 * driver of the evaluation, batch by batch; both end with the same model (generation, ids, weights, centroids) and
 * the same segment for every shopper. The service's segments recover the categories (ARI ≥ 0.9), through the seed
 * and the growth refits. Also: a sweep stopped midway resumes and re-decides every shopper exactly once.
 */
@QuarkusTest
@TestProfile(EngineParityTest.Parity.class)
@WithTestResource(value = ShoalTestResources.class, scope = TestResourceScope.GLOBAL)
class EngineParityTest {

    /** Small k, small batches, refits early and often, no wall-clock refit (the drivers' clocks differ). */
    public static class Parity implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return OVERRIDES;
        }
    }

    static final Map<String, String> OVERRIDES = Map.of(
            "shoal.segmentation.k", "4",
            "shoal.segmentation.bootstrap-profiles", "24",
            "shoal.segmentation.min-dwell", "0s",
            "shoal.segmentation.refit.check-every-points", "64",
            "shoal.segmentation.refit.max-age", "0s",
            "shoal.segmentation.refit.sweep-chunk", "25",
            "shoal.segmentation.snapshot-interval", "1h",
            "shoal.pipeline.batch-size", "64");

    private static final String[] KINDS = { "LUNCH BAG", "CAKE", "CHRISTMAS", "CANDLE" };
    private static final int USERS_PER_KIND = 30;
    private static final int EVENTS_PER_USER = 6;

    @Inject
    SegmentStore store;

    @Inject
    SegmentModelManager manager;

    @Inject
    InFlightLimiter limiter;

    @Inject
    EmbeddingService embeddings;

    @Inject
    HistoryRepository history;

    @Inject
    RedisKeys keys;

    @Inject
    io.quarkus.redis.datasource.RedisDataSource redisData;

    @Inject
    SegmentationConfig config;

    @Inject
    SegmentChangeBroadcaster broadcaster;

    @ConfigProperty(name = "quarkus.redis.hosts")
    String redisUrl;

    @BeforeEach
    void emptyStores() {
        // Nothing of an earlier test may still run (a sweep would take the lease or write into the new data); the
        // key prefix is shared with the other test classes of the run: start from an empty one.
        awaitIdle();
        RedisCleaner.deleteByPrefix(redisUrl, keys.prefix());
    }

    private record Event(String eventId, String userId, String type, String text, Instant at) {
    }

    private List<Event> stream(String run) {
        Map<String, List<String>> texts = RetailTexts.byKeyword(KINDS);
        Random random = new Random(17);
        List<List<Event>> perUser = new ArrayList<>();
        Instant start = Instant.parse("2011-03-01T09:00:00Z");
        for (int k = 0; k < KINDS.length; k++) {
            List<String> pool = texts.get(KINDS[k]);
            for (int u = 0; u < USERS_PER_KIND; u++) {
                List<Event> events = new ArrayList<>();
                for (int i = 0; i < EVENTS_PER_USER; i++) {
                    events.add(new Event(run + "-" + k + "-" + u + "-" + i, run + "-k" + k + "-u" + u,
                            i % 3 == 2 ? "purchase" : "view", pool.get(random.nextInt(pool.size())), null));
                }
                perUser.add(events);
            }
        }
        // Interleave in time: each step takes the next event of a random shopper who has one left.
        List<Event> out = new ArrayList<>();
        List<Integer> cursor = new ArrayList<>(Collections.nCopies(perUser.size(), 0));
        long t = start.toEpochMilli();
        while (out.size() < perUser.size() * EVENTS_PER_USER) {
            int u = random.nextInt(perUser.size());
            if (cursor.get(u) < EVENTS_PER_USER) {
                Event e = perUser.get(u).get(cursor.get(u));
                cursor.set(u, cursor.get(u) + 1);
                t += 30_000;
                out.add(new Event(e.eventId(), e.userId(), e.type(), e.text(), Instant.ofEpochMilli(t)));
            }
        }
        return out;
    }

    private void awaitIdle() {
        ServiceFeed.awaitQuiet(limiter, manager);
    }

    @Test
    void theServiceAndTheInMemoryDriverReachTheSameModelAndAssignmentsAndRecoverTheCategories() {
        String run = "parity";
        List<Event> stream = stream(run);
        int batchSize = 64;
        Map<String, float[]> vectors = new HashMap<>();
        List<String> documents = stream.stream().map(e -> ModelText.document(e.text(), null)).distinct().toList();
        List<float[]> embedded = embeddings.embed(documents).await().atMost(Duration.ofSeconds(120));
        for (int i = 0; i < documents.size(); i++) {
            vectors.put(documents.get(i), embedded.get(i));
        }
        EngineSettings settings = EngineSettings.service(OVERRIDES);
        assertThat(settings.params()).as("the evaluation reads the same typed configuration")
                .isEqualTo(SegmentationConfig.params(config));
        InMemoryDriver memory = new InMemoryDriver(settings, vectors);
        List<SegmentChangeEvent> lineage = new CopyOnWriteArrayList<>();
        broadcaster.watch(Set.of()).subscribe().with(e -> {
            if (e.kind() == SegmentChangeEvent.Kind.LINEAGE) {
                lineage.add(e);
            }
        });

        for (int from = 0; from < stream.size(); from += batchSize) {
            List<Event> batch = stream.subList(from, Math.min(stream.size(), from + batchSize));
            List<Map<String, Object>> body = new ArrayList<>();
            List<PlannedEvent> planned = new ArrayList<>();
            for (Event e : batch) {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("eventId", e.eventId());
                json.put("userId", e.userId());
                json.put("type", e.type());
                json.put("text", e.text());
                json.put("occurredAt", e.at().toString());
                body.add(json);
                planned.add(new PlannedEvent(e.userId(), vectors.get(ModelText.document(e.text(), null)),
                        settings.weights().get(EventType.parse(e.type()).orElseThrow()), e.at().toEpochMilli()));
            }
            ServiceFeed.post(body);
            memory.applyPlanned(planned, from + batch.size());
            awaitIdle();
        }

        SegmentModel service = store.model().await().atMost(Duration.ofSeconds(5));
        SegmentModel inMemory = memory.segmentModel();
        assertThat(inMemory).isNotNull();
        assertThat(memory.refits()).as("growth refits after the seed").isGreaterThanOrEqualTo(1);
        assertThat(service.generation()).isEqualTo(inMemory.generation());
        assertThat(service.ids()).containsExactly(inMemory.ids());
        assertThat(service.nextSegmentId()).isEqualTo(inMemory.nextSegmentId());
        assertThat(service.fittedProfiles()).isEqualTo(inMemory.fittedProfiles());
        KMeansState a = service.kmeans();
        KMeansState b = inMemory.kmeans();
        for (int j = 0; j < a.k(); j++) {
            assertThat(a.weight(j)).isCloseTo(b.weight(j), within(1e-3 * Math.max(1, b.weight(j))));
            double cos = 0;
            float[] ca = a.centroid(j);
            float[] cb = b.centroid(j);
            for (int i = 0; i < ca.length; i++) {
                cos += (double) ca[i] * cb[i];
            }
            assertThat(cos).as("centroid %d, cosine between the drivers", j).isGreaterThan(0.9999);
        }

        List<String> users = new ArrayList<>(memory.users().keySet());
        Collections.sort(users);
        List<StoredUser> stored = store.users(users).await().atMost(Duration.ofSeconds(5));
        int[] truth = new int[users.size()];
        int[] found = new int[users.size()];
        Map<Long, Integer> dense = new HashMap<>();
        for (int i = 0; i < users.size(); i++) {
            assertThat(stored.get(i).segmentId()).as("segment of %s", users.get(i))
                    .isEqualTo(memory.segmentOf(users.get(i)));
            truth[i] = Integer.parseInt(users.get(i).replaceAll(".*-k(\\d+)-u.*", "$1"));
            found[i] = dense.computeIfAbsent(stored.get(i).segmentId(), x -> dense.size());
        }
        assertThat(ClusteringMetrics.adjustedRandIndex(truth, found)).as("ARI against the categories")
                .isGreaterThanOrEqualTo(0.9);
        // Every refit's lineage reached the segment-changes stream, and the segments alive now survived or were born.
        assertThat(lineage).isNotEmpty().allSatisfy(e -> assertThat(e.reason())
                .isIn("survived", "split", "merged", "born", "died"));
        Set<Long> live = new HashSet<>();
        for (long id : service.ids()) {
            live.add(id);
        }
        long lastVersion = lineage.get(lineage.size() - 1).modelVersion();
        assertThat(lineage.stream().filter(e -> e.modelVersion() == lastVersion && !"died".equals(e.reason()))
                .map(SegmentChangeEvent::segmentId).distinct()).allMatch(live::contains);
    }

    @Test
    void aSweepStoppedMidwayResumesAndReDecidesEveryShopperExactlyOnce() {
        // A model of 4 segments and 120 shoppers all stored in segment 0, whatever their profile.
        KMeansState state = seededState();
        SegmentModel model = SegmentModel.fromKMeans(Algorithm.KMEANS,
                state, new long[state.k()], null).asFit(5, 120, 0);
        Random random = new Random(3);
        List<SegmentStore.UserWrite> writes = new ArrayList<>();
        Map<String, float[]> profiles = new HashMap<>();
        for (int u = 0; u < 120; u++) {
            float[] p = state.centroid(u % state.k());
            for (int i = 0; i < p.length; i++) {
                p[i] += (float) (0.02 * random.nextGaussian());
            }
            String id = "sweep-u" + u;
            profiles.put(id, p);
            writes.add(new SegmentStore.UserWrite(id, StoredUserCodec.write(new StoredUser(new UserProfile(
                    normalise(p), 2, 1_000), state.segmentId(0), 1_000, 0.5, 0.1, 1, null), config.profileEncoding())));
        }
        // The users first (no model yet: a batch planned on no model), then the swapped-in model.
        store.apply(new SegmentStore.BatchWrite("sweep-setup", 1, null, new double[0], new double[0][0], null, writes,
                Map.of(), Map.of(), Map.of(), 5000, 60, 0)).await().atMost(Duration.ofSeconds(5));
        store.replaceModel(model, null, "{}", false).await().atMost(Duration.ofSeconds(5));
        SegmentModel stored = store.model().await().atMost(Duration.ofSeconds(5));

        SegmentSweeper sweeper = manager.sweeper();
        store.saveSweepState(Map.of("gen", Long.toString(stored.generation()), "cause", "REFIT", "cursor", "0",
                "done", "0", "finished", "0")).await().atMost(Duration.ofSeconds(5));
        // Chunks of SCAN COUNT 25 until some shoppers are done, then the process "dies": the cursor is in Redis. (A
        // SCAN step walks ~25 slots of the whole keyspace, which other prefixes share here: many match none of ours.)
        Map<String, String> midway = Map.of();
        for (int step = 0; step < 100_000; step++) {
            assertThat(sweeper.run(1).await().atMost(Duration.ofSeconds(30))).isFalse();
            midway = store.sweepState().await().atMost(Duration.ofSeconds(5));
            if (Long.parseLong(midway.get("done")) > 0) {
                break;
            }
        }
        assertThat(midway.get("finished")).isEqualTo("0");
        assertThat(Long.parseLong(midway.get("done"))).isBetween(1L, 119L);
        // Another run (a restarted process) takes over from the cursor and finishes.
        assertThat(sweeper.run(Integer.MAX_VALUE).await().atMost(Duration.ofSeconds(30))).isTrue();

        KMeansState live = stored.kmeans();
        // The sweep's audit rows reach PostgreSQL through the outbox relay.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> redisData.stream(String.class).xlen(keys.auditOutbox()) == 0);
        Set<String> moved = new HashSet<>();
        for (String id : profiles.keySet()) {
            StoredUser u = store.user(id).await().atMost(Duration.ofSeconds(5));
            int nearest = StreamingKMeans.assign(live, u.profile().vector()).segment();
            assertThat(u.segmentId()).as("%s is in its nearest segment", id).isEqualTo(live.segmentId(nearest));
            List<SegmentChangeEntity> rows = history.history(id, 0, 10).await().atMost(Duration.ofSeconds(5));
            long refitRows = rows.stream().filter(r -> "refit".equals(r.reason)).count();
            assertThat(refitRows).as("refit moves of %s", id).isLessThanOrEqualTo(1);
            if (u.segmentId() != state.segmentId(0)) {
                assertThat(refitRows).as("%s moved by the sweep, audited once", id).isEqualTo(1);
                moved.add(id);
            }
        }
        assertThat(moved).hasSize(90);
    }

    private static float[] normalise(float[] v) {
        double n = 0;
        for (float x : v) {
            n += (double) x * x;
        }
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / Math.sqrt(n));
        }
        return out;
    }

    private KMeansState seededState() {
        int d = 384;
        Random random = new Random(9);
        float[][] c = new float[4][d];
        for (float[] row : c) {
            for (int i = 0; i < d; i++) {
                row[i] = (float) random.nextGaussian();
            }
        }
        return KMeansState.initial(c, new double[] { 30, 30, 30, 30 });
    }
}
