package io.shoal.evaluation;

import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;

import io.shoal.event.EventType;
import io.shoal.inference.ModelText;
import io.shoal.inference.TextNormalizer;
import io.shoal.replay.CompleteJourneyMapper;
import io.shoal.replay.CsvReader;
import io.shoal.replay.ProductCatalog;

/**
 * A stream with a known answer, built from real product texts: synthetic shoppers who each buy only within one
 * Complete Journey product category, interleaved in time. The categories with the most distinct product texts are
 * used (deterministic); each contributes {@code titles} texts drawn with the seed, each shopper buys
 * {@code eventsPerShopper} of its category's texts. A text is what the service embeds for such an event
 * ({@link ModelText#document}: the mapper's text with the department as category).
 *
 * @param events the stream, in time order
 * @param labels each shopper's category
 */
public record ClearStructureStream(List<EvaluationEvent> events, Map<String, String> labels) {

    /** The shape: 10 categories, 25 shoppers each, 12 texts per category, 8 purchases per shopper. */
    public static ClearStructureStream build(Path dataDir, TextNormalizer normalizer, long seed) throws IOException {
        return build(dataDir, normalizer, 10, 25, 12, 8, seed);
    }

    public static ClearStructureStream build(Path dataDir, TextNormalizer normalizer, int categories, int shoppers,
            int titles, int eventsPerShopper, long seed) throws IOException {
        Map<String, TreeSet<String>> textsByCategory = new TreeMap<>();
        Path products = dataDir.resolve("complete-journey/products.csv.gz");
        try (CsvReader csv = new CsvReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(products)),
                StandardCharsets.UTF_8))) {
            ProductCatalog catalog = ProductCatalog.read(csv);
            for (ProductCatalog.Product p : catalog.all()) {
                if (p.productCategory() == null || p.productCategory().isBlank() || p.department() == null) {
                    continue;
                }
                String text = normalizer.normalise(ModelText.document(CompleteJourneyMapper.text(p), p.department()));
                textsByCategory.computeIfAbsent(p.productCategory(), x -> new TreeSet<>()).add(text);
            }
        }
        List<String> chosen = new ArrayList<>(textsByCategory.keySet());
        chosen.sort((a, b) -> textsByCategory.get(b).size() != textsByCategory.get(a).size()
                ? Integer.compare(textsByCategory.get(b).size(), textsByCategory.get(a).size()) : a.compareTo(b));
        chosen = chosen.subList(0, Math.min(categories, chosen.size()));
        Random random = new Random(seed);
        Map<String, List<String>> pools = new LinkedHashMap<>();
        for (String c : chosen) {
            List<String> all = new ArrayList<>(textsByCategory.get(c));
            Collections.shuffle(all, random);
            pools.put(c, all.subList(0, Math.min(titles, all.size())));
        }
        Map<String, String> labels = new LinkedHashMap<>();
        List<List<EvaluationEvent>> perShopper = new ArrayList<>();
        for (String c : chosen) {
            for (int s = 0; s < shoppers; s++) {
                String user = "clear-" + c.replaceAll("\\W+", "_") + "-" + s;
                labels.put(user, c);
                List<EvaluationEvent> events = new ArrayList<>();
                for (int e = 0; e < eventsPerShopper; e++) {
                    List<String> pool = pools.get(c);
                    String text = pool.get(random.nextInt(pool.size()));
                    events.add(new EvaluationEvent(user, EventType.PURCHASE, text, text, 0));
                }
                perShopper.add(events);
            }
        }
        List<EvaluationEvent> stream = new ArrayList<>();
        Map<Integer, Integer> next = new HashMap<>();
        long t = 1_300_000_000_000L;
        int total = perShopper.size() * eventsPerShopper;
        while (stream.size() < total) {
            int s = random.nextInt(perShopper.size());
            int i = next.getOrDefault(s, 0);
            if (i < eventsPerShopper) {
                EvaluationEvent e = perShopper.get(s).get(i);
                t += 60_000;
                stream.add(new EvaluationEvent(e.userId(), e.type(), e.itemId(), e.text(), t));
                next.put(s, i + 1);
            }
        }
        return new ClearStructureStream(List.copyOf(stream), labels);
    }
}
