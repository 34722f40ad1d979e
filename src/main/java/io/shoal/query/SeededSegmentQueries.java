package io.shoal.query;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.shoal.inference.EmbeddingService;
import io.shoal.segmentation.SeededSegments;
import io.shoal.segmentation.SegmentModel;
import io.shoal.segmenting.SegmentModelManager;
import io.shoal.store.SeedStore;
import io.shoal.store.SegmentStore;
import io.shoal.store.StoredUser;
import io.smallrye.mutiny.Uni;

/**
 * Segments seeded from examples: validates the request, turns example texts into vectors (the embedding cache, the
 * model for texts it has not seen) and example shoppers into their profiles, and asks the model manager to add the
 * segment (rule: {@link io.shoal.segmentation.SegmentRefit#addSeeded}); reports members and precision/recall
 * ({@link SeededSegments#quality}).
 */
@ApplicationScoped
public class SeededSegmentQueries {

    /** Example texts or shoppers per seed, at most each. */
    static final int MAX_EXAMPLES = 200;
    /** Longest example text. */
    static final int MAX_TEXT = 512;

    private final SegmentModelManager manager;
    private final SeedStore seeds;
    private final SegmentStore store;
    private final EmbeddingService embeddings;
    private final SegmentQueries segments;
    private final SegmentDescriptions descriptions;

    public SeededSegmentQueries(SegmentModelManager manager, SeedStore seeds, SegmentStore store,
            EmbeddingService embeddings, SegmentQueries segments, SegmentDescriptions descriptions) {
        this.manager = manager;
        this.seeds = seeds;
        this.store = store;
        this.embeddings = embeddings;
        this.segments = segments;
        this.descriptions = descriptions;
    }

    /** Seeds a segment; fails with {@link InvalidQueryException} naming the field. */
    public Uni<SeededSegment> seed(SeededSegment.Request request) {
        String label;
        List<String> texts;
        List<String> users;
        try {
            if (request == null || request.label() == null) {
                throw new InvalidQueryException("label", "label is required");
            }
            label = SegmentQueries.checkLabel(request.label());
            texts = request.texts() == null ? List.of() : request.texts();
            users = request.userIds() == null ? List.of() : request.userIds();
            if (texts.isEmpty() && users.isEmpty()) {
                throw new InvalidQueryException("texts", "give example texts, example userIds, or both");
            }
            check("texts", texts.size());
            check("userIds", users.size());
            for (int i = 0; i < texts.size(); i++) {
                String t = texts.get(i);
                if (t == null || t.isBlank()) {
                    throw new InvalidQueryException("texts[" + i + "]", "texts[" + i + "] must not be blank");
                }
                if (t.length() > MAX_TEXT) {
                    throw new InvalidQueryException("texts[" + i + "]", "texts[" + i + "] must have at most "
                            + MAX_TEXT + " characters but had " + t.length());
                }
            }
            for (int i = 0; i < users.size(); i++) {
                segments.checkUserId("userIds[" + i + "]", users.get(i));
            }
        } catch (InvalidQueryException e) {
            return Uni.createFrom().failure(e);
        }
        List<String> stored = users.stream().map(segments::stored).toList();
        Uni<List<float[]>> textVectors = texts.isEmpty() ? Uni.createFrom().item(List.of()) : embeddings.embed(texts);
        Uni<List<StoredUser>> profiles = stored.isEmpty() ? Uni.createFrom().item(List.of()) : store.users(stored);
        return Uni.combine().all().unis(textVectors, profiles).asTuple().chain(t -> {
            List<float[]> vectors = new ArrayList<>(t.getItem1());
            for (int i = 0; i < stored.size(); i++) {
                StoredUser u = t.getItem2().get(i);
                if (u == null || u.profile() == null) {
                    return Uni.createFrom().failure(new InvalidQueryException("userIds[" + i + "]",
                            "userIds[" + i + "] has no profile yet: only shoppers Shoal has seen can be examples"));
                }
                vectors.add(u.profile().vector());
            }
            float[] direction = SeededSegments.direction(vectors);
            if (direction == null) {
                return Uni.createFrom().failure(new InvalidQueryException("texts",
                        "the examples cancel out: they point nowhere in particular"));
            }
            return manager.addSeededSegment(direction, label, texts, stored, vectors)
                    .call(id -> descriptions.name(id, label))
                    .chain(id -> list().map(all -> all.stream().filter(s -> s.segmentId() == id).findFirst()
                            .orElseThrow()));
        });
    }

    private static void check(String field, int n) {
        if (n > MAX_EXAMPLES) {
            throw new InvalidQueryException(field, "at most " + MAX_EXAMPLES + " " + field + " but got " + n);
        }
    }

    /** The seeded segments still in the model, with their members and precision/recall now. */
    public Uni<List<SeededSegment>> list() {
        return Uni.combine().all().unis(seeds.all(), store.model(), store.segmentSizes()).asTuple().map(t -> {
            Map<Long, SeedStore.StoredSeed> all = t.getItem1();
            SegmentModel model = t.getItem2();
            if (model == null || all.isEmpty()) {
                return List.<SeededSegment>of();
            }
            List<SeededSegments.Seed> live = new ArrayList<>();
            for (SeedStore.StoredSeed s : all.values()) {
                if (model.slotOf(s.segmentId()) >= 0) {
                    live.add(new SeededSegments.Seed(s.segmentId(), s.vectors()));
                }
            }
            Map<Long, SeededSegments.Quality> quality = SeededSegments.quality(model.kmeans(), live);
            List<SeededSegment> out = new ArrayList<>();
            for (SeededSegments.Seed seed : live) {
                SeedStore.StoredSeed s = all.get(seed.segmentId());
                SeededSegments.Quality q = quality.get(seed.segmentId());
                out.add(new SeededSegment(s.segmentId(), descriptions.label(s.segmentId(), model.version()),
                        s.texts(), s.userIds(), Instant.ofEpochMilli(s.createdMillis()),
                        t.getItem3().getOrDefault(s.segmentId(), 0L), q.examples(), q.kept(), q.precision(),
                        q.recall()));
            }
            return out;
        });
    }

    /** Stops holding the segment at its examples (it stays, and learns as any segment); 404 when not seeded. */
    public Uni<Void> unpin(long segmentId) {
        return seeds.remove(segmentId).chain(removed -> removed ? Uni.createFrom().voidItem()
                : Uni.createFrom().failure(new UnknownSegmentException(segmentId)));
    }
}
