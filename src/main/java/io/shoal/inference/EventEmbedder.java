package io.shoal.inference;

import io.shoal.event.BehaviorEvent;
import io.shoal.event.EventType;
import io.shoal.pipeline.MicroBatch;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The embedding step of the pipeline: gives every event of a micro-batch its vector.
 * <ul>
 * <li>An event with text is embedded from its document: the text, followed by {@code " (category)"} when a category
 * is given (it tells "apple" the fruit from the brand).</li>
 * <li>An event without text but with an item id takes the item's last known vector.</li>
 * <li>Otherwise the vector is null, and the segmentation stage skips the event.</li>
 * </ul>
 * Item events with text (not searches: a query is not an item's title) update the item's last known vector.
 */
@ApplicationScoped
public class EventEmbedder {

    private final EmbeddingService embeddings;

    public EventEmbedder(EmbeddingService embeddings) {
        this.embeddings = embeddings;
    }

    public Uni<EmbeddedBatch> embed(MicroBatch batch) {
        return embed(batch, new EmbeddingCache.Tally());
    }

    /** As {@link #embed(MicroBatch)}, counting cache hits and model time into {@code tally}. */
    public Uni<EmbeddedBatch> embed(MicroBatch batch, EmbeddingCache.Tally tally) {
        List<BehaviorEvent> events = batch.events();
        List<String> documents = new ArrayList<>();
        List<Integer> withText = new ArrayList<>();
        Set<String> itemsWithoutText = new LinkedHashSet<>();
        for (int i = 0; i < events.size(); i++) {
            BehaviorEvent event = events.get(i);
            if (hasText(event.text())) {
                documents.add(document(event));
                withText.add(i);
            } else if (hasText(event.itemId())) {
                itemsWithoutText.add(event.itemId());
            }
        }
        return Uni.combine().all()
                .unis(embeddings.embed(documents, tally), embeddings.itemVectors(itemsWithoutText))
                .asTuple()
                .chain(both -> {
                    float[][] vectors = new float[events.size()][];
                    List<float[]> embedded = both.getItem1();
                    for (int k = 0; k < withText.size(); k++) {
                        vectors[withText.get(k)] = embedded.get(k);
                    }
                    Map<String, float[]> known = both.getItem2();
                    Map<String, float[]> latest = new HashMap<>();
                    for (int i = 0; i < events.size(); i++) {
                        BehaviorEvent event = events.get(i);
                        if (vectors[i] == null && hasText(event.itemId())) {
                            vectors[i] = known.get(event.itemId());
                        } else if (vectors[i] != null && hasText(event.itemId()) && event.type() != EventType.SEARCH) {
                            latest.put(event.itemId(), vectors[i]);
                        }
                    }
                    List<EmbeddedEvent> out = new ArrayList<>(events.size());
                    for (int i = 0; i < events.size(); i++) {
                        out.add(new EmbeddedEvent(events.get(i), vectors[i]));
                    }
                    ModelSpec model = embeddings.model();
                    EmbeddedBatch result = new EmbeddedBatch(batch.sequence(), model.id(), model.dimension(), out);
                    return embeddings.rememberItemVectors(latest).replaceWith(result);
                });
    }

    /** What is embedded for an event with text. */
    static String document(BehaviorEvent event) {
        return ModelText.document(event.text(), event.category());
    }

    static boolean hasText(String value) {
        return value != null && !value.isBlank();
    }
}
