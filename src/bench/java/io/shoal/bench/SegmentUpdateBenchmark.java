package io.shoal.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import io.shoal.segmentation.AssignmentPolicy;
import io.shoal.segmentation.OnlineGmm;
import io.shoal.segmentation.ProfileUpdater;
import io.shoal.segmentation.SegmentBatchPlanner;
import io.shoal.segmentation.SegmentBatchPlanner.Algorithm;
import io.shoal.segmentation.SegmentBatchPlanner.PlannedEvent;
import io.shoal.segmentation.SegmentBatchPlanner.UserState;
import io.shoal.segmentation.StreamingKMeans;
import io.shoal.store.RedisKeys;
import io.shoal.store.SegmentStore;
import io.shoal.segmentation.SegmentModel;
import io.shoal.store.StoredUser;
import io.shoal.store.StoredUserCodec;
import io.shoal.config.VectorEncoding;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;

/**
 * One micro-batch of the segmentation stage against the real Redis on 127.0.0.1:6379, embedding excluded: load the
 * model and the batch's users (1 round trip), update profiles and plan (JVM), apply the Lua script (1 round trip).
 * 256 events of 5,000 users, d = 384. Keys under "shoal-bench:" are removed afterwards.
 * <p>
 * {@code ./mvnw -Pbench test-compile exec:exec -Djmh.args="SegmentUpdateBenchmark -wi 1 -i 3 -f 1"}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SegmentUpdateBenchmark {

    private static final int D = 384;
    private static final int USERS = 5_000;
    private static final int BATCH = 256;

    @Param({ "16", "64" })
    int k;

    private Vertx vertx;
    private Redis redis;
    private SegmentStore store;
    private SegmentBatchPlanner planner;
    private SplittableRandom random;
    private float[][] centres;
    private long batch;

    @Setup(Level.Trial)
    public void setUp() {
        vertx = Vertx.vertx();
        redis = Redis.createClient(vertx, "redis://127.0.0.1:6379");
        store = new SegmentStore(redis, new RedisKeys("shoal-bench:"));
        planner = new SegmentBatchPlanner(new ProfileUpdater(7L * 24 * 3600 * 1000), new AssignmentPolicy(0.05, 0),
                new OnlineGmm(1e-4));
        random = new SplittableRandom(1);
        centres = new float[k][];
        float[][] sums = new float[k][];
        long[] ids = new long[k];
        double[] weights = new double[k];
        for (int j = 0; j < k; j++) {
            centres[j] = unit(null, 0);
            sums[j] = centres[j].clone();
            ids[j] = j;
            weights[j] = 1;
        }
        clean();
        SegmentModel model = new SegmentModel(Algorithm.KMEANS, k, D, 0, k, ids, weights, sums, null, new long[k]);
        store.replaceModel(model, null, "{}", false).await().atMost(Duration.ofSeconds(10));
        List<SegmentStore.UserWrite> users = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
            float[] v = unit(centres[u % k], 0.3);
            users.add(new SegmentStore.UserWrite("u" + u, StoredUserCodec.write(new StoredUser(
                    new io.shoal.segmentation.UserProfile(v, 3, 0), (long) (u % k), 0, 0.8, 0.1, 1, null),
                    VectorEncoding.FLOAT16)));
        }
        store.apply(new SegmentStore.BatchWrite("init", 1, null, new double[0], new double[0][0], null, users,
                Map.of(), Map.of(), Map.of(), 5000, 600, 0)).await().atMost(Duration.ofSeconds(30));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        clean();
        redis.close();
        vertx.closeAndAwait();
    }

    private void clean() {
        redis.send(io.vertx.mutiny.redis.client.Request.cmd(io.vertx.mutiny.redis.client.Command.EVAL)
                .arg("for _,key in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('UNLINK', key) end return 0")
                .arg(0).arg("shoal-bench:*")).await().atMost(Duration.ofSeconds(30));
    }

    private float[] unit(float[] around, double noise) {
        float[] v = new float[D];
        double n = 0;
        for (int i = 0; i < D; i++) {
            v[i] = (float) ((around == null ? 0 : around[i]) + (around == null ? 1 : noise) * random.nextGaussian()
                    / Math.sqrt(D));
            n += v[i] * v[i];
        }
        for (int i = 0; i < D; i++) {
            v[i] /= (float) Math.sqrt(n);
        }
        return v;
    }

    @Benchmark
    public long oneMicroBatch() {
        List<PlannedEvent> events = new ArrayList<>(BATCH);
        List<String> userIds = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
            int u = random.nextInt(USERS);
            events.add(new PlannedEvent("u" + u, unit(centres[u % k], 0.5), 1, 1_000L * batch + i));
            userIds.add("u" + u);
        }
        List<String> distinct = userIds.stream().distinct().toList();
        SegmentStore.Loaded loaded = store.load(distinct).await().atMost(Duration.ofSeconds(10));
        Map<String, UserState> states = new HashMap<>();
        loaded.users().forEach((u, s) -> states.put(u, new UserState(s.profile(), s.segmentId(), s.sinceMillis())));
        SegmentBatchPlanner.Plan plan = planner.plan(new SegmentBatchPlanner.Model(Algorithm.KMEANS,
                loaded.model().kmeans(), null), states, events, List.of());
        List<SegmentStore.UserWrite> writes = new ArrayList<>();
        for (SegmentBatchPlanner.UserOutcome o : plan.outcomes()) {
            writes.add(new SegmentStore.UserWrite(o.userId(), StoredUserCodec.write(new StoredUser(o.profile(),
                    o.segmentId(), o.sinceMillis(), o.decision().similarity(), o.decision().margin(),
                    loaded.model().version(), null), VectorEncoding.FLOAT16)));
        }
        double decay = StreamingKMeans.decayFor(20_000, StreamingKMeans.TimeUnit.POINTS, plan.members());
        return store.apply(new SegmentStore.BatchWrite("b" + (batch++), decay, loaded.model(), plan.counts(),
                plan.sums(), null, writes, Map.of(), Map.of(), Map.of(), 5000, 600, 0))
                .await().atMost(Duration.ofSeconds(10)).version();
    }
}
