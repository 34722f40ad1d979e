package io.shoal.query;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.redis.datasource.RedisDataSource;
import io.shoal.audit.HistoryRepository;
import io.shoal.audit.SegmentLifecycleEntity;
import io.shoal.audit.SegmentMove;
import io.shoal.store.RedisKeys;
import io.shoal.store.StoredUser;
import io.shoal.store.StoredUserCodec;
import io.shoal.store.VectorCodec;
import io.shoal.config.VectorEncoding;

/**
 * Writes query-side state for tests under the run's own key prefix and database: a k-means model whose three
 * segments point along the first three axes, recent texts near each axis, users, and audit rows.
 */
@ApplicationScoped
public class QueryFixtures {

    static final int DIM = 384;
    static final long CAKE = 101;
    static final long GARDEN = 102;
    static final long LIGHTS = 103;
    static final long MODEL_VERSION = 7;
    static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");

    private static final Map<Long, List<String>> TEXTS = Map.of(
            CAKE, List.of("REGENCY CAKESTAND 3 TIER", "SET OF 3 CAKE TINS PANTRY DESIGN", "PANTRY CAKE TINS ROUND",
                    "CAKE CASES VINTAGE CHRISTMAS"),
            GARDEN, List.of("GARDEN KNEELING PAD", "WATERING CAN GARDEN MARKER", "GARDEN TOOLS SET",
                    "HERB MARKER GARDEN"),
            LIGHTS, List.of("WHITE HANGING HEART T-LIGHT HOLDER", "FAIRY LIGHTS STRING", "T-LIGHT HOLDER GLASS",
                    "LIGHTS WOODEN STAR"));

    private final RedisDataSource redis;
    private final RedisKeys keys;
    private final HistoryRepository history;

    public QueryFixtures(RedisDataSource redis, RedisKeys keys, HistoryRepository history) {
        this.redis = redis;
        this.keys = keys;
        this.history = history;
    }

    /** The model and the texts (replacing the recent-texts sample); idempotent (the same values every time). */
    public void seedModel() {
        long[] ids = { CAKE, GARDEN, LIGHTS };
        Map<String, byte[]> model = new LinkedHashMap<>();
        model.put("version", utf8(MODEL_VERSION));
        model.put("algorithm", utf8("kmeans"));
        model.put("k", utf8(3));
        model.put("dim", utf8(DIM));
        model.put("next_id", utf8(104));
        model.put("params", utf8("{}"));
        for (int j = 0; j < 3; j++) {
            float[] sum = new float[DIM];
            sum[j] = 10f;
            model.put("id:" + j, utf8(ids[j]));
            model.put("n:" + j, utf8(10.0 + j));
            model.put("sum:" + j, VectorCodec.float32(sum));
            model.put("created:" + j, utf8(CREATED.toEpochMilli()));
        }
        redis.hash(byte[].class).hset(keys.model(), model);
        Map<String, byte[]> texts = new LinkedHashMap<>();
        for (int j = 0; j < 3; j++) {
            List<String> list = TEXTS.get(ids[j]);
            for (int i = 0; i < list.size(); i++) {
                float[] v = new float[DIM];
                // Nearer texts first: the i-th text leans more towards the neighbouring axis.
                v[j] = (float) Math.cos(0.1 * (i + 1));
                v[(j + 1) % 3] = (float) Math.sin(0.1 * (i + 1));
                texts.put(list.get(i), VectorCodec.encode(v, VectorEncoding.FLOAT16));
            }
        }
        // The sample holds exactly these texts: the labels come from the texts each segment owns (c-TF-IDF), and other
        // tests' texts in the shared prefix would otherwise be owned too.
        redis.key().del(keys.recentTexts());
        redis.hash(byte[].class).hset(keys.recentTexts(), texts);
        redis.hash(String.class).hset(keys.segmentSizes(), Map.of(
                Long.toString(CAKE), "5", Long.toString(GARDEN), "3", Long.toString(LIGHTS), "1"));
    }

    /** A user placed in a segment, as the segmentation stage would have left it (no profile vector needed). */
    public void seedUser(String userId, long segment, Instant since, double similarity, double margin,
            String memberships) {
        StoredUser user = new StoredUser(null, segment, since.toEpochMilli(), similarity, margin, MODEL_VERSION,
                memberships);
        redis.value(byte[].class).set(keys.userProfile(userId), StoredUserCodec.write(user, VectorEncoding.FLOAT16));
    }

    /** Audit rows, through the repository the pipeline writes with. */
    public void recordMoves(List<SegmentMove> moves, List<SegmentLifecycleEntity> lifecycle) {
        history.record("query-test-" + UUID.randomUUID(), moves, lifecycle).await().atMost(Duration.ofSeconds(10));
    }

    public static SegmentLifecycleEntity lifecycle(long segment, String kind, Instant at, double weight) {
        SegmentLifecycleEntity e = new SegmentLifecycleEntity();
        e.segmentId = segment;
        e.kind = kind;
        e.weight = weight;
        e.modelVersion = MODEL_VERSION;
        e.occurredAt = at;
        return e;
    }

    private static byte[] utf8(Object value) {
        return io.shoal.store.SegmentStore.utf8(value);
    }
}
